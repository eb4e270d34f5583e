import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload, type KeyLike } from 'jose';

/**
 * The emulator's signing key: one RS256 key pair per emulator, made on first use, as Cognito signs a pool's tokens with
 * RS256 and publishes the public half at the issuer's `/.well-known/jwks.json`
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
 */
export class TokenSigner {
  private readonly kid = randomUUID();
  private keys?: Promise<{ privateKey: KeyLike; jwks: JSONWebKeySet }>;

  private keyPair() {
    this.keys ??= generateKeyPair('RS256').then(async ({ privateKey, publicKey }) => ({
      privateKey,
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' }] },
    }));
    return this.keys;
  }

  async sign(claims: JWTPayload): Promise<string> {
    const { privateKey } = await this.keyPair();
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.kid }).sign(privateKey);
  }

  async jwks(): Promise<JSONWebKeySet> {
    return (await this.keyPair()).jwks;
  }
}
