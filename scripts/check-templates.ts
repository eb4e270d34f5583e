/**
 * Checks every service's packaged CloudFormation against AWS's references (scripts/aws-references) and prints what
 * it checked. Packages stale services first. Exits 1 on any error. Usage: tsx scripts/check-templates.ts
 */
import path from 'node:path';
import { readPackagedService } from '../libs/local-cloud/src/cloudformation/loader';
import { checkTemplates } from './aws-references';
import { listServices, packageServices, SERVICES_DIR } from './package-services';

async function main(): Promise<void> {
  await packageServices();
  const stacks = listServices().map((service) => readPackagedService(path.join(SERVICES_DIR, service)));
  const { errors, figures } = await checkTemplates(stacks);
  console.log(
    `${figures.templates} templates: ${figures.resources} resources, ${figures.properties} properties, ${figures.getAtts} Fn::GetAtt ` +
      `against the CloudFormation resource specification; ${figures.stateMachines} state machines against amazon-states-language-service and asl-validator; ` +
      `${figures.policies} policies, ${figures.actions} IAM actions, ${figures.conditionKeys} condition keys, ${figures.arns} resource ARNs against the Service Authorization Reference`,
  );
  for (const error of errors) console.error(error);
  if (errors.length > 0) {
    console.error(`${errors.length} errors`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? error);
  process.exit(1);
});
