/**
 * A group's or channel's picture in its settings (owners and admins): change it (cropped
 * to a square in the browser, then uploaded) or remove it. Every member sees the change.
 */
import { useRef, useState } from 'react';
import { conversationTitle } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { Avatar } from './avatar';
import { AvatarCropDialog } from './avatar-crop-dialog';

export function ConversationPicture({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const conv = useAppState((s) => s.conversations[conversationId]?.conversation);
  const title = useAppState((s) => (conv === undefined ? '' : conversationTitle(conv, s.users, s.me.id)));
  const [cropping, setCropping] = useState<File | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  if (conv === undefined) return null;
  return (
    <div className="avatar-editor">
      <Avatar id={conv.id} name={title} url={conv.avatarUrl} size="lg" />
      <button type="button" className="btn" onClick={() => fileInput.current?.click()}>
        Change picture
      </button>
      {conv.avatarUrl !== null && (
        <button
          type="button"
          className="btn"
          onClick={() => void controller.updateConversation(conversationId, { avatarUrl: null })}
        >
          Remove picture
        </button>
      )}
      <input
        ref={fileInput}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        hidden
        aria-label="Picture file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file !== undefined) setCropping(file);
        }}
      />
      {cropping !== undefined && (
        <AvatarCropDialog
          file={cropping}
          onSave={(image) => controller.uploadConversationAvatar(conversationId, image)}
          onClose={() => setCropping(undefined)}
        />
      )}
    </div>
  );
}
