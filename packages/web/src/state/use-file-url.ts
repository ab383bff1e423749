/** A signed URL for a file or its thumbnail, fetched once the element needs it (undefined until then). */
import type { FileVariant } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { useController } from './context';

export function useFileUrl(fileId: string, variant: FileVariant = 'original', enabled = true): string | undefined {
  const controller = useController();
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    controller.files.url(fileId, variant).then(
      (value) => {
        if (live) setUrl(value);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [controller, fileId, variant, enabled]);
  return url;
}
