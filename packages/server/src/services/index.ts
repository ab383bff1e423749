/**
 * Builds every service over the same ports. Gateways receive this object and call
 * nothing else: a rule enforced here holds for every way in.
 */
import { AccountService } from './accounts';
import { ContactService } from './contacts';
import { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import { FileService, type FileDeps } from './files';
import { MessageService } from './messages';
import { PresenceService } from './presence';
import { ReceiptService } from './receipts';
import { SyncService } from './sync';

export interface Services {
  accounts: AccountService;
  contacts: ContactService;
  conversations: ConversationService;
  messages: MessageService;
  receipts: ReceiptService;
  presence: PresenceService;
  sync: SyncService;
  files: FileService;
}

export function createServices(deps: ServiceDeps, fileDeps: FileDeps): Services {
  const accounts = new AccountService(deps);
  const contacts = new ContactService(deps);
  const conversations = new ConversationService(deps, contacts);
  const files = new FileService(deps, fileDeps);
  return {
    accounts,
    contacts,
    conversations,
    messages: new MessageService(deps, conversations, contacts, files),
    receipts: new ReceiptService(deps, conversations),
    presence: new PresenceService(deps),
    sync: new SyncService(deps),
    files,
  };
}

export type { AuthContext } from './accounts';
export type { ServiceDeps, ServiceLimits } from './deps';
export type { FileDeps, FileLimits, Download } from './files';
export { FileLinkSigner } from './file-links';
