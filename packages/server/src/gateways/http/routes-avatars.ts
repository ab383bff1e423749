/**
 * Pictures uploaded as images: your profile picture and a group's or channel's. The
 * body is the image itself (PNG, JPEG, GIF or WebP), read as bytes up to
 * AVATAR_UPLOAD_MAX_BYTES; the file service makes it a small WebP square and stores it
 * under `/v1/avatars/<owner>/`, then the profile or the conversation names it (under
 * PARLEY_PUBLIC_URL) and the replaced picture is deleted. Public reads of stored
 * pictures are in routes-xmpp-upload.ts (`GET /v1/avatars/...`).
 */
import { ConversationParams, ConversationResponse, ErrorResponse, UserResponse } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { AppError } from '../../domain/errors';
import { AVATAR_UPLOAD_MAX_BYTES } from '../../services/files';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/octet-stream'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** The path part of a stored picture's URL, to drop the replaced one. */
const pathOf = (url: string) => new URL(url, 'http://x').pathname;

export function registerAvatarRoutes(app: FastifyInstance, { services, httpUrl }: HttpOptions): void {
  const base = (request: FastifyRequest) => httpUrl?.() ?? `${request.protocol}://${request.host}`;
  const imageOf = (request: FastifyRequest): Buffer => {
    if (!Buffer.isBuffer(request.body)) throw new AppError('bad_request', 'The body must be the image.');
    return request.body;
  };

  app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      IMAGE_TYPES,
      { parseAs: 'buffer', bodyLimit: AVATAR_UPLOAD_MAX_BYTES },
      (_request, body, parsed) => parsed(null, body),
    );

    // PUT /v1/me/avatar
    scope.put(
      '/v1/me/avatar',
      { schema: { tags: ['accounts'], security: secured, response: { 200: UserResponse, ...errors } } },
      async (request) => {
        const auth = await authenticate(services, request);
        const stored = await services.files.uploadAvatar(auth, imageOf(request));
        const previous = auth.user.avatarUrl;
        const user = await services.accounts.updateProfile(auth, { avatarUrl: `${base(request)}${stored.path}` });
        if (previous !== null && pathOf(previous) !== stored.path) {
          await services.files.dropAvatar(auth, pathOf(previous));
        }
        return { user };
      },
    );

    // PUT /v1/conversations/:conversationId/avatar (owners and admins of a group or channel)
    scope.put<{ Params: Static<typeof ConversationParams> }>(
      '/v1/conversations/:conversationId/avatar',
      {
        schema: {
          tags: ['conversations'],
          security: secured,
          params: ConversationParams,
          response: { 200: ConversationResponse, ...errors },
        },
      },
      async (request) => {
        const auth = await authenticate(services, request);
        const id = request.params.conversationId;
        // Authorized before any byte is stored.
        const before = await services.conversations.checkEditSettings(auth, id);
        const stored = await services.files.uploadAvatar(auth, imageOf(request), id);
        const conversation = await services.conversations.update(auth, id, {
          avatarUrl: `${base(request)}${stored.path}`,
        });
        if (before.avatarUrl !== null && pathOf(before.avatarUrl) !== stored.path) {
          await services.files.dropAvatar(auth, pathOf(before.avatarUrl), id);
        }
        return { conversation };
      },
    );
    done();
  });
}
