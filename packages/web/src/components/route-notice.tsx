/**
 * Says why a link did not open (a conversation or message this account may not read),
 * above both columns so that it shows on a phone too; it stays until dismissed or until
 * another conversation opens.
 */
import type { Router } from '../state/router';
import { useSelector } from '../state/store';

const TEXT = {
  conversation: 'That conversation cannot be opened: it does not exist, or you are not a member of it.',
  message: 'That message cannot be opened: it does not exist, or it is in a conversation you are not a member of.',
} as const;

export function RouteNotice({ router }: { router: Router }) {
  const problem = useSelector(router.problem, (p) => p);
  return (
    <div className="route-notice-slot" role="alert">
      {problem !== null && (
        <div className="banner banner-route" data-testid="route-notice">
          <span>{TEXT[problem]}</span>
          <button type="button" className="btn btn-small" onClick={() => router.dismiss()}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
