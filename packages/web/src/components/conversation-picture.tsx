/**
 * A group's or channel's picture in its settings (owners and admins): change it (cropped
 * to a square in the browser, then uploaded) or remove it. Every member sees the change.
 */
import { conversationTitle } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { AvatarEditor } from './avatar-editor';

export function ConversationPicture({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const conv = useAppState((s) => s.conversations[conversationId]?.conversation);
  const title = useAppState((s) => (conv === undefined ? '' : conversationTitle(conv, s.users, s.me.id)));
  if (conv === undefined) return null;
  return (
    <AvatarEditor
      id={conv.id}
      name={title}
      url={conv.avatarUrl}
      onRemove={() => void controller.updateConversation(conversationId, { avatarUrl: null })}
      onUpload={(image) => controller.uploadConversationAvatar(conversationId, image)}
    />
  );
}
