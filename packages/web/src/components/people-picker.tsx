/**
 * Picking several people: the type-ahead search (find-user.tsx) adds each person found
 * to a checked list, where a click unchecks them again. Used to add members to a group
 * or channel, and to invite people while creating a channel.
 */
import { useState } from 'react';
import { FindUser } from './find-user';
import { UserRow } from './user-row';

export function usePeoplePicker() {
  const [people, setPeople] = useState<string[]>([]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (userId: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(userId);
      else next.delete(userId);
      return next;
    });
  const add = (userId: string) => {
    setPeople((list) => (list.includes(userId) ? list : [userId, ...list]));
    toggle(userId, true);
  };
  return { people, selected, toggle, add };
}

export function PeoplePicker({
  picker,
  exclude = [],
}: {
  picker: ReturnType<typeof usePeoplePicker>;
  /** Already members: found, but not offered. */
  exclude?: readonly string[];
}) {
  const [note, setNote] = useState<string | undefined>();
  return (
    <>
      <FindUser
        action="Add"
        onFound={(user) => {
          if (exclude.includes(user.id)) return setNote(`${user.displayName} is already a member.`);
          setNote(undefined);
          picker.add(user.id);
        }}
      />
      {note !== undefined && (
        <p className="hint" role="status">
          {note}
        </p>
      )}
      {picker.people.length > 0 && (
        <ul className="user-list" aria-label="People to add">
          {picker.people.map((userId) => (
            <li key={userId}>
              <label className="user-pick">
                <input
                  type="checkbox"
                  checked={picker.selected.has(userId)}
                  onChange={(e) => picker.toggle(userId, e.target.checked)}
                />
                <UserRow id={userId} />
              </label>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
