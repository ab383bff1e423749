import type { PresenceVisibility } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { seesPresence, type PresenceFacts } from './privacy';

const base: PresenceFacts = {
  subjectVisibility: 'everyone',
  viewerVisibility: 'everyone',
  subjectAddedViewer: false,
  viewerAddedSubject: false,
  subjectTookPartWithViewer: false,
  blocked: false,
};
const sees = (facts: Partial<PresenceFacts>) => seesPresence({ ...base, ...facts });

describe('seesPresence', () => {
  it('shows nothing to a stranger, nor to someone the subject has not taken part with', () => {
    expect(sees({})).toBe(false);
    // The viewer added the subject (or wrote to them): that shows the viewer's presence, not the subject's.
    expect(sees({ viewerAddedSubject: true })).toBe(false);
  });

  it('shows the subject to their contacts and to the people where they took part', () => {
    expect(sees({ subjectAddedViewer: true })).toBe(true);
    expect(sees({ subjectTookPartWithViewer: true })).toBe(true);
  });

  it('a block either way hides it', () => {
    expect(sees({ subjectAddedViewer: true, subjectTookPartWithViewer: true, blocked: true })).toBe(false);
  });

  it('applies the subject’s setting: contacts keeps only people they added; nobody keeps no one', () => {
    expect(sees({ subjectVisibility: 'contacts', subjectTookPartWithViewer: true })).toBe(false);
    expect(sees({ subjectVisibility: 'contacts', subjectAddedViewer: true })).toBe(true);
    expect(sees({ subjectVisibility: 'nobody', subjectAddedViewer: true, subjectTookPartWithViewer: true })).toBe(
      false,
    );
  });

  it('is reciprocal: whoever does not share with the subject does not see theirs', () => {
    const related = { subjectAddedViewer: true, subjectTookPartWithViewer: true };
    expect(sees({ ...related, viewerVisibility: 'nobody', viewerAddedSubject: true })).toBe(false);
    expect(sees({ ...related, viewerVisibility: 'contacts' })).toBe(false);
    expect(sees({ ...related, viewerVisibility: 'contacts', viewerAddedSubject: true })).toBe(true);
  });

  it('every combination: seen only with a relation, no block, and both settings allowing it', () => {
    const values: PresenceVisibility[] = ['everyone', 'contacts', 'nobody'];
    for (const subjectVisibility of values)
      for (const viewerVisibility of values)
        for (const subjectAddedViewer of [false, true])
          for (const viewerAddedSubject of [false, true])
            for (const subjectTookPartWithViewer of [false, true])
              for (const blocked of [false, true]) {
                const facts = {
                  subjectVisibility,
                  viewerVisibility,
                  subjectAddedViewer,
                  viewerAddedSubject,
                  subjectTookPartWithViewer,
                  blocked,
                };
                const subjectShares =
                  subjectVisibility === 'everyone'
                    ? subjectAddedViewer || subjectTookPartWithViewer
                    : subjectVisibility === 'contacts' && subjectAddedViewer;
                const viewerShares =
                  viewerVisibility === 'everyone' || (viewerVisibility === 'contacts' && viewerAddedSubject);
                expect(seesPresence(facts), JSON.stringify(facts)).toBe(!blocked && subjectShares && viewerShares);
              }
  });
});
