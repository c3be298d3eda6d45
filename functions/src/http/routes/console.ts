import { getAuth } from 'firebase-admin/auth';
import type { Services } from '../../services';
import type { Router } from '../router';
import { jsonBody } from '../request';
import { authorize, signedInUser } from '../auth';
import { DomainError } from '../../domain/errors';
import { parseOrThrow } from '../../domain/schemas';
import { callbackUrlProblem } from '../../domain/callbackUrl';
import { adminApp } from '../../adapters/firestore';
import { assertMayCreateKey } from '../../domain/merchants';
import {
  acceptInvitation,
  acceptInvitationSchema,
  addUserSchema,
  createInvitation,
  createApiKey,
  createApiKeySchema,
  getWebhookSecrets,
  listApiKeys,
  listInvitations,
  listMembers,
  overviewStats,
  removeMember,
  revokeApiKey,
  revokeInvitation,
  rotateWebhookSecret,
  settingsPatchSchema,
  settingsView,
  statsQuerySchema,
  updateSettings,
  type MemberAuth,
} from '../../domain/console';

const memberAuth = (): MemberAuth => getAuth(adminApp());

/**
 * The merchant console: what the dashboard's Settings, Developers, Users and Overview pages call
 * with the signed-in user's ID token. Who may call what is the role table (domain/access.ts):
 * secret keys read and change settings, but never touch people, keys or signing secrets.
 *
 * POSTs here answer with secrets or one-time links, which must not be stored in the idempotency
 * record, so they do not replay by `Idempotency-Key`; revoking and rotating are safe to repeat.
 */
export function consoleRoutes(router: Router<Services>): void {
  router
    .on('GET', '/settings', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'settings.read');
      return { status: 200, body: settingsView(merchant) };
    })

    .on('PATCH', '/settings', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'settings.update');
      const patch = parseOrThrow(settingsPatchSchema, jsonBody(request));
      const callbackUrl = patch.settings?.callbackUrl;
      const refusal = callbackUrl && callbackUrlProblem(callbackUrl, { allowLoopback: services.emulator });
      if (refusal) {
        throw new DomainError('invalid_request', `settings.callbackUrl ${refusal}.`, {
          errors: [{ field: 'settings.callbackUrl', code: 'invalid_url', message: `Callback URLs ${refusal}.` }],
        });
      }
      return { status: 200, body: await updateSettings(services.db, merchant.id, patch) };
    })

    .on('GET', '/api-keys', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'apiKeys.read');
      return { status: 200, body: await listApiKeys(services.db, merchant.id) };
    })

    .on('POST', '/api-keys', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'apiKeys.create');
      const { name } = parseOrThrow(createApiKeySchema, jsonBody(request));
      assertMayCreateKey(merchant);
      return { status: 201, body: await createApiKey(services.db, merchant.id, merchant.mode, name) };
    })

    .on('POST', '/api-keys/:id/revoke', async (request, { id }, services) => {
      const { merchant } = await authorize(services, request, 'apiKeys.revoke');
      return { status: 200, body: await revokeApiKey(services.db, merchant.id, id!) };
    })

    .on('GET', '/webhook-secret', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'signingSecrets.read');
      return { status: 200, body: await getWebhookSecrets(services.db, merchant.id) };
    })

    .on('POST', '/webhook-secret/rotate', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'signingSecrets.rotate');
      return { status: 200, body: await rotateWebhookSecret(services.db, merchant.id) };
    })

    .on('GET', '/users', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'members.read');
      return { status: 200, body: await listMembers(services.db, merchant.id) };
    })

    // Inviting never touches an account: the invitee proves control of the address to accept.
    .on('POST', '/users', async (request, _params, services) => {
      const { merchant, uid } = await authorize(services, request, 'members.invite');
      const input = parseOrThrow(addUserSchema, jsonBody(request));
      return { status: 201, body: await createInvitation(services.db, merchant.id, uid, input, services.publicBaseUrl) };
    })

    .on('GET', '/invitations', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'members.read');
      return { status: 200, body: await listInvitations(services.db, merchant.id) };
    })

    .on('POST', '/invitations/:id/revoke', async (request, { id }, services) => {
      const { merchant } = await authorize(services, request, 'members.invite');
      return { status: 200, body: await revokeInvitation(services.db, merchant.id, id!) };
    })

    // Any signed-in user (not yet a member of anything): the invitation and a verified email decide.
    .on('POST', '/invitations/accept', async (request, _params, services) => {
      const user = await signedInUser(request);
      const { token } = parseOrThrow(acceptInvitationSchema, jsonBody(request));
      return { status: 200, body: await acceptInvitation(services.db, memberAuth(), user, token) };
    })

    .on('DELETE', '/users/:uid', async (request, { uid }, services) => {
      const caller = await authorize(services, request, 'members.remove');
      return { status: 200, body: await removeMember(services.db, memberAuth(), caller.merchant.id, uid!, caller.uid) };
    })

    .on('GET', '/stats/overview', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'stats.read');
      const query = parseOrThrow(statsQuerySchema, request.query, 'query');
      return { status: 200, body: await overviewStats(services.db, merchant, query) };
    });
}
