/**
 * motcua's own citizen pages as an ordinary client of its single sign-on (issue: "dogfood"): the
 * client `motcua` in the portals registry of src/sso, registered on first use with the redirect
 * URI of this platform's public URL, level 1, scope `vn_pin` (the identification number is how the
 * pages find the citizen's e-ID account; the consent page says so), `client_secret_basic` with
 * the secret kept sealed by the registry. Administrators see it among the portals and may disable
 * it; it is then not re-enabled here, and the pages say single sign-on is unavailable. When the
 * public URL changes, its redirect URIs follow.
 */
import { AppError } from '../platform/errors.js';
import { OWN_PAGES_CLIENT_ID, type SsoRuntime } from '../sso/index.js';

export const PORTAL_CLIENT_ID = OWN_PAGES_CLIENT_ID;
const ACTOR = { kind: 'system', id: 'portal' } as const;

export type PortalClient = { available: true; clientId: string; secret: string; redirectUri: string; postLogoutUri: string } | { available: false; reason: 'disabled' | 'public-url' | 'secret' };

/** The callback and post-logout addresses of the pages at `publicUrl` (no trailing slash). */
export function portalUris(publicUrl: string): { redirectUri: string; postLogoutUri: string } {
  const origin = new URL(publicUrl).origin;
  return { redirectUri: `${origin}/api/v1/portal/sign-in/callback`, postLogoutUri: `${origin}/eid/sign-in` };
}

/**
 * The registered client of the pages, registering it or updating its addresses when needed.
 * Unavailable when an administrator disabled it, when the public URL is plain http on an address
 * other than loopback (redirect URIs must be https, RFC 9700 §4.1.3), or when its secret was sealed
 * under a data key this copy does not hold.
 */
export async function ensurePortalClient(rt: SsoRuntime): Promise<PortalClient> {
  const { redirectUri, postLogoutUri } = portalUris(rt.ctx.config.publicUrl);
  const host = new URL(redirectUri).hostname.replace(/^\[|\]$/g, '');
  const sector = /\./.test(host) && !host.includes(':') ? host : `${host.replace(/[^a-z0-9-]/gi, '-')}.local`;
  let client = await rt.clients.get(PORTAL_CLIENT_ID).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'SSO_CLIENT_NOT_FOUND') return undefined;
    throw e;
  });
  try {
    if (!client) {
      client = await rt.clients
        .create(
          {
            id: PORTAL_CLIENT_ID,
            name: 'Trang công dân của motcua',
            redirectUris: [redirectUri],
            postLogoutRedirectUris: [postLogoutUri],
            sector,
            requiredLevel: 1,
            scopes: ['vn_pin'],
            purpose: 'Mở phiên làm việc của bạn trên các trang công dân: tài khoản định danh, hồ sơ của tôi, nộp hồ sơ trực tuyến, dữ liệu đã chia sẻ.',
            purposeEn: 'Opening your session on the citizen pages: your e-ID account, my dossiers, online filing, shared data.',
            authMethod: 'client_secret_basic',
          },
          ACTOR,
        )
        .then((r) => r.client)
        .catch(async (e: unknown) => {
          // Another app copy registered it first.
          if (e instanceof AppError && e.code === 'SSO_CLIENT_EXISTS') return rt.clients.get(PORTAL_CLIENT_ID);
          throw e;
        });
    } else if (client.status === 'active' && (client.redirectUris.join(' ') !== redirectUri || client.postLogoutRedirectUris.join(' ') !== postLogoutUri)) {
      client = (await rt.clients.update(PORTAL_CLIENT_ID, { redirectUris: [redirectUri], postLogoutRedirectUris: [postLogoutUri] }, ACTOR)).client;
    }
  } catch (e) {
    if (e instanceof AppError && e.code === 'SSO_REDIRECT_URI_INVALID') return { available: false, reason: 'public-url' };
    throw e;
  }
  if (client.status !== 'active') return { available: false, reason: 'disabled' };
  const secret = await rt.clients.openSecret(PORTAL_CLIENT_ID);
  if (!secret) return { available: false, reason: 'secret' };
  return { available: true, clientId: PORTAL_CLIENT_ID, secret, redirectUri, postLogoutUri };
}
