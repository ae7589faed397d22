import { BEHAVIORS } from "../auth/caller.js";
import type { SecretBox } from "../auth/secret-box.js";
import { DEMO_APPLICATION } from "../examples/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import { registerApplication } from "../routes/platform/service.js";

/**
 * Registers the demo applications: Kibo's README app for 26507 and one per other demo tenant, all behaviors, with
 * their push-signing keys sealed by `sealer` when given (see registerApplication).
 */
export async function seedDemoApplications(prisma: Prisma.TransactionClient, sealer?: SecretBox): Promise<number> {
  const tenants = await prisma.tenant.findMany({ select: { id: true, name: true }, orderBy: { id: "asc" } });
  for (const tenant of tenants) {
    const isKiboExample = tenant.id === DEMO_APPLICATION.tenantId;
    await registerApplication(prisma, {
      tenantId: tenant.id,
      name: isKiboExample ? "Kibo SDK example application" : `Demo application for ${tenant.name}`,
      behaviors: BEHAVIORS,
      clientId: isKiboExample ? DEMO_APPLICATION.clientId : `TALLY_DEMO.${tenant.id}`,
      clientSecret: isKiboExample ? DEMO_APPLICATION.clientSecret : `${tenant.id}_Secret`,
      sealer,
    });
  }
  return tenants.length;
}
