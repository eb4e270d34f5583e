import { packageServices } from '../scripts/package-services';

/** Tests read the packaged CloudFormation, as the local stack does: package what is stale first. */
export default async function globalSetup(): Promise<void> {
  await packageServices();
}
