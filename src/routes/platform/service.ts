import { createHash, randomBytes } from "node:crypto";
import type { AccessTokens } from "../../auth/tokens.js";
import { BEHAVIORS, type Behavior } from "../../auth/caller.js";
import { pushSigningKey, type SecretBox } from "../../auth/secret-box.js";
import { hashSecret, verifyAgainstDecoy, verifySecret } from "../../auth/secrets.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import { Errors } from "../../errors.js";

export interface AuthTicketRequest {
  client_id: string;
  client_secret: string;
  refresh_token?: string | undefined;
}

const INVALID_CREDENTIALS = "The client id, shared secret or refresh token is not valid.";

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** What a push delivery to this application is signed with, sealed, from the shared secret it was just given. */
function sealedSigningKey(sealer: SecretBox, clientSecret: string): string {
  return sealer.seal(pushSigningKey(clientSecret));
}

/**
 * Exchanges application credentials (and optionally a refresh token) for an access token. Applications are
 * looked up across tenants by client id — the only unscoped query in Tally, because the tenant is what the
 * credentials establish. Every failure reads the same, so the answer never says which part was wrong.
 *
 * The verified secret is also the one moment Tally knows it: an application registered before push deliveries were
 * signed (its signing key still null) gets its sealed key here, once.
 */
export async function issueAuthTicket(
  prisma: PrismaClient,
  tokens: AccessTokens,
  request: AuthTicketRequest,
  refreshTtlSeconds: number,
  sealer: SecretBox | undefined,
) {
  const application = await prisma.application.findUnique({ where: { clientId: request.client_id } });
  const secretMatches = application
    ? await verifySecret(request.client_secret, application.secretHash)
    : await verifyAgainstDecoy(request.client_secret);
  if (!application || !secretMatches || application.revokedAt) throw Errors.unauthorized(INVALID_CREDENTIALS);

  const refreshToken = randomBytes(32).toString("base64url");
  await prisma.$transaction(async (tx) => {
    if (request.refresh_token) {
      // Single use: marking it used in the same statement that checks it makes a replay lose the race.
      const used = await tx.refreshToken.updateMany({
        where: { tokenHash: sha256(request.refresh_token), applicationId: application.id, usedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
      });
      if (used.count !== 1) throw Errors.unauthorized(INVALID_CREDENTIALS);
    }
    await tx.refreshToken.create({
      data: {
        applicationId: application.id,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(Date.now() + refreshTtlSeconds * 1000),
      },
    });
    // Written when missing, and sealed again under the newest key after EVENT_SECRET_KEYS was rotated, so the old key
    // can be removed once every application has asked for a token. The old value in the where too: of two
    // concurrent requests, one writes and the other changes nothing.
    if (sealer && (application.signingKey === null || !sealer.isCurrent(application.signingKey))) {
      await tx.application.updateMany({
        where: { id: application.id, signingKey: application.signingKey },
        data: { signingKey: sealedSigningKey(sealer, request.client_secret) },
      });
    }
  });

  const behaviors = application.behaviors.filter((b): b is Behavior => (BEHAVIORS as readonly string[]).includes(b));
  const accessToken = await tokens.sign({ tenantId: application.tenantId, clientId: application.clientId, behaviors });
  return {
    access_token: accessToken,
    token_type: "Bearer" as const,
    expires_in: tokens.ttlSeconds,
    refresh_token: refreshToken,
    refresh_token_expires_in: refreshTtlSeconds,
    scope: behaviors.join(" "),
  };
}

/** The caller's own tenant with its sites (Kibo's SDK reads `domain` to find its API host). */
export async function getTenant(db: TenantDb, tenantId: number) {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    include: { websites: { orderBy: { siteId: "asc" } } },
  });
  if (!tenant) throw Errors.notFound(`Tenant ${tenantId} was not found.`);
  return {
    id: tenant.id,
    name: tenant.name,
    domain: tenant.domain,
    sites: tenant.websites.map((website) => ({
      id: website.siteId,
      siteId: website.siteId,
      tenantId: tenant.id,
      name: website.name,
      domain: tenant.domain,
      currencyCode: website.baseCurrencyCode,
    })),
  };
}

export interface NewApplication {
  tenantId: number;
  name: string;
  behaviors: readonly Behavior[];
  clientId?: string;
  /** Only for demo data and tests: production secrets are always generated. */
  clientSecret?: string;
  /**
   * Seals the key push deliveries to the application are signed with (see signingKeySealer). Without it the key is
   * captured at the application's first token request.
   */
  sealer?: SecretBox | undefined;
}

/**
 * Registers an application; returns its client id and the secret, which is stored only as a hash, beside the sealed
 * key its push deliveries are signed with (derived from the secret, and no use for obtaining a token).
 */
export async function registerApplication(prisma: PrismaClient | Prisma.TransactionClient, application: NewApplication) {
  const clientSecret = application.clientSecret ?? randomBytes(32).toString("base64url");
  const clientId = application.clientId ?? `tally.${application.tenantId}.${randomBytes(6).toString("hex")}`;
  await prisma.application.create({
    data: {
      tenantId: application.tenantId,
      clientId,
      name: application.name,
      secretHash: await hashSecret(clientSecret),
      behaviors: [...application.behaviors],
      signingKey: application.sealer ? sealedSigningKey(application.sealer, clientSecret) : null,
    },
  });
  return { clientId, clientSecret };
}
