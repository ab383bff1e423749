/**
 * "Media and files" in a conversation's details: two tabs, a grid of its images and
 * videos (a click opens the media viewer over what is loaded) and a list of its other
 * files with a download link each, newest first, a page at a time ("Show more").
 * Read from the server (`GET /v1/conversations/:id/files`), not from the timeline, so
 * files long scrolled away are there too. Like the timeline, media from someone I
 * blocked shows collapsed until I choose to show it.
 */
import { formatFileSize, type FileContent, type Message } from '@parley/protocol';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { dayLabel } from '../lib/format-time';
import { userName } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { useFileUrl } from '../state/use-file-url';
import { ExtensionBadge } from './file-message';
import { FileIcon, PlayIcon } from './icons';
import { LazyMediaViewer } from './media-viewer-lazy';
import { UserText } from './user-text';

type Kind = 'media' | 'files';

interface Listing {
  messages: Message[];
  hasMore: boolean;
  loading: boolean;
  failed: boolean;
}

const EMPTY: Listing = { messages: [], hasMore: false, loading: true, failed: false };

const fileOf = (m: Message): FileContent | undefined => (m.content.type === 'file' ? m.content : undefined);

/** The pages of one tab, loaded when the tab is first shown. */
function useListing(conversationId: string, kind: Kind, shown: boolean) {
  const controller = useController();
  const [listing, setListing] = useState<Listing>(EMPTY);
  const started = useRef(false);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const load = (before?: number) => {
    setListing((l) => ({ ...l, loading: true, failed: false }));
    void controller.conversationFiles(conversationId, kind, before).then((page) => {
      if (!live.current) return;
      setListing((l) =>
        page === undefined
          ? { ...l, loading: false, failed: true }
          : {
              messages: before === undefined ? page.messages : [...l.messages, ...page.messages],
              hasMore: page.hasMore,
              loading: false,
              failed: false,
            },
      );
    });
  };
  useEffect(() => {
    if (!shown || started.current) return;
    started.current = true;
    load();
  });
  const more = () => {
    const last = listing.messages.at(-1);
    if (last !== undefined) load(last.seq);
  };
  return { listing, more };
}

function MediaTile({ message, onOpen }: { message: Message; onOpen: () => void }) {
  const controller = useController();
  const content = fileOf(message);
  const hidden = useAppState((s) => s.blocked.includes(message.senderId) && s.revealed[message.id] !== true);
  const image = content?.kind === 'image';
  const src = useFileUrl(
    content?.fileId ?? '',
    image && content.thumbnail === true ? 'thumbnail' : 'original',
    content !== undefined && !hidden,
  );
  if (content === undefined) return null;
  if (hidden) {
    return (
      <li className="gallery-tile gallery-hidden">
        <button type="button" className="link-button" onClick={() => controller.reveal(message.id)}>
          Show media from a blocked user
        </button>
      </li>
    );
  }
  return (
    <li className="gallery-tile" data-testid="gallery-tile">
      <button
        type="button"
        className="gallery-open"
        aria-label={`Open ${image ? 'image' : 'video'} ${content.name}`}
        onClick={onOpen}
      >
        {src !== undefined &&
          (image ? (
            <img src={src} alt="" loading="lazy" />
          ) : (
            <>
              <video src={src} muted preload="metadata" aria-hidden="true" tabIndex={-1} />
              <span className="gallery-play">
                <PlayIcon />
              </span>
            </>
          ))}
      </button>
    </li>
  );
}

function FileRow({ message }: { message: Message }) {
  const controller = useController();
  const content = fileOf(message);
  const users = useAppState((s) => s.users);
  const hidden = useAppState((s) => s.blocked.includes(message.senderId) && s.revealed[message.id] !== true);
  const href = useFileUrl(content?.fileId ?? '', 'original', content !== undefined && !hidden);
  if (content === undefined) return null;
  if (hidden) {
    return (
      <li className="gallery-file gallery-hidden">
        <button type="button" className="link-button" onClick={() => controller.reveal(message.id)}>
          Show a file from a blocked user
        </button>
      </li>
    );
  }
  return (
    <li className="gallery-file" data-testid="gallery-file">
      <FileIcon />
      <div className="gallery-file-text">
        <span className="attachment-file-title">
          <UserText className="attachment-file-name" text={content.name} />
          <ExtensionBadge name={content.name} />
        </span>
        <span className="gallery-file-meta">
          {formatFileSize(content.size)} · <UserText text={userName(users, message.senderId)} /> ·{' '}
          {dayLabel(message.createdAt, Date.now())}
        </span>
      </div>
      {href !== undefined && (
        <a className="gallery-download" href={`${href}&download=1`} download={content.name} rel="noopener noreferrer">
          Download
          <span className="visually-hidden">
            {' '}
            <UserText text={content.name} />
          </span>
        </a>
      )}
    </li>
  );
}

export function MediaGallery({ conversationId }: { conversationId: string }) {
  const [tab, setTab] = useState<Kind>('media');
  const [viewing, setViewing] = useState<number | null>(null);
  const media = useListing(conversationId, 'media', tab === 'media');
  const files = useListing(conversationId, 'files', tab === 'files');
  const blocked = useAppState((s) => s.blocked);
  const revealed = useAppState((s) => s.revealed);
  const id = useId();
  const tabs = useRef<Record<Kind, HTMLButtonElement | null>>({ media: null, files: null });

  // The viewer walks what is shown: media from blocked people only once revealed.
  const visible = media.listing.messages.filter((m) => !blocked.includes(m.senderId) || revealed[m.id] === true);
  const items = visible.flatMap((m) => {
    const content = fileOf(m);
    return content === undefined ? [] : [content];
  });

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next: Kind = tab === 'media' ? 'files' : 'media';
    setTab(next);
    tabs.current[next]?.focus();
  };

  const current = tab === 'media' ? media : files;
  const { listing } = current;
  return (
    <section className="gallery" aria-labelledby={`${id}-heading`} data-testid="media-gallery">
      <h3 id={`${id}-heading`} className="gallery-heading">
        Media and files
      </h3>
      <div className="gallery-tabs" role="tablist" aria-labelledby={`${id}-heading`} onKeyDown={onTabKey}>
        {(['media', 'files'] as const).map((kind) => (
          <button
            key={kind}
            ref={(el) => {
              tabs.current[kind] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-${kind}`}
            aria-selected={tab === kind}
            aria-controls={`${id}-panel`}
            tabIndex={tab === kind ? 0 : -1}
            onClick={() => setTab(kind)}
          >
            {kind === 'media' ? 'Media' : 'Files'}
          </button>
        ))}
      </div>
      <div
        id={`${id}-panel`}
        role="tabpanel"
        aria-labelledby={`${id}-${tab}`}
        className="gallery-panel"
        aria-busy={listing.loading}
      >
        {tab === 'media' && listing.messages.length > 0 && (
          <ul className="gallery-grid" aria-label="Images and videos">
            {listing.messages.map((m) => (
              <MediaTile key={m.id} message={m} onOpen={() => setViewing(Math.max(0, visible.indexOf(m)))} />
            ))}
          </ul>
        )}
        {tab === 'files' && listing.messages.length > 0 && (
          <ul className="gallery-files" aria-label="Files">
            {listing.messages.map((m) => (
              <FileRow key={m.id} message={m} />
            ))}
          </ul>
        )}
        {!listing.loading && !listing.failed && listing.messages.length === 0 && (
          <p className="gallery-empty">{tab === 'media' ? 'No images or videos yet.' : 'No files yet.'}</p>
        )}
        {listing.loading && <p className="gallery-empty">Loading…</p>}
        {listing.failed && (
          <p className="gallery-empty" role="alert">
            Could not load them.
          </p>
        )}
        {listing.hasMore && !listing.loading && (
          <button type="button" className="btn gallery-more" onClick={current.more}>
            Show more
          </button>
        )}
      </div>
      {viewing !== null && items.length > 0 && (
        <LazyMediaViewer items={items} start={viewing} onClose={() => setViewing(null)} />
      )}
    </section>
  );
}
