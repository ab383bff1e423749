/**
 * A picture with its Change and Remove buttons: a chosen file is cropped to a square in
 * the browser (avatar-crop-dialog.tsx), then handed to onUpload. Whose picture it is (mine,
 * a group's, a channel's) is the caller's business: profile-settings.tsx and
 * conversation-picture.tsx.
 */
import { useRef, useState } from 'react';
import { Avatar } from './avatar';
import { AvatarCropDialog } from './avatar-crop-dialog';

export function AvatarEditor({
  id,
  name,
  url,
  onRemove,
  onUpload,
}: {
  /** Whose picture (colours the initials when there is none). */
  id: string;
  name: string;
  url: string | null;
  onRemove: () => void;
  /** Stores the cropped picture: true closes the crop dialog, false keeps it open to try again. */
  onUpload: (image: Blob) => Promise<boolean>;
}) {
  const [cropping, setCropping] = useState<File | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="avatar-editor">
      <Avatar id={id} name={name} url={url} size="lg" />
      <button type="button" className="btn" onClick={() => fileInput.current?.click()}>
        Change picture
      </button>
      {url !== null && (
        <button type="button" className="btn" onClick={onRemove}>
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
        <AvatarCropDialog file={cropping} onSave={onUpload} onClose={() => setCropping(undefined)} />
      )}
    </div>
  );
}
