import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route';

describe('routes', () => {
  const cases: [string, Route][] = [
    ['#/', { kind: 'home' }],
    ['#/c/abc', { kind: 'conversation', conversationId: 'abc' }],
    ['#/c/abc/t/root1', { kind: 'thread', conversationId: 'abc', rootId: 'root1' }],
    ['#/c/abc/m/msg-1', { kind: 'message', conversationId: 'abc', messageId: 'msg-1' }],
    ['#/invite/XyZ', { kind: 'invite', code: 'XyZ' }],
  ];
  it('print and parse each other', () => {
    for (const [hash, route] of cases) {
      expect(parseRoute(hash)).toEqual(route);
      expect(routeHash(route)).toBe(hash);
    }
  });

  it('treat anything unknown as the list, and a bad tail as the conversation', () => {
    expect(parseRoute('')).toEqual({ kind: 'home' });
    expect(parseRoute('#/nowhere/1')).toEqual({ kind: 'home' });
    expect(parseRoute('#/c/')).toEqual({ kind: 'home' });
    expect(parseRoute('#/c/abc/x/1')).toEqual({ kind: 'conversation', conversationId: 'abc' });
    expect(parseRoute('#/c/abc/m/')).toEqual({ kind: 'conversation', conversationId: 'abc' });
    expect(parseRoute('#/c/abc/m/1/extra')).toEqual({ kind: 'home' });
    expect(parseRoute('#/c/%E0%A4%A')).toEqual({ kind: 'home' });
  });

  it('encode what would break the path', () => {
    const route: Route = { kind: 'message', conversationId: 'a/b', messageId: 'c d' };
    expect(routeHash(route)).toBe('#/c/a%2Fb/m/c%20d');
    expect(parseRoute(routeHash(route))).toEqual(route);
  });
});
