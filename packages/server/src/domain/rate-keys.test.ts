import { describe, expect, it } from 'vitest';
import { addressRateKey } from './rate-keys';

describe('addressRateKey', () => {
  it('keeps IPv4 addresses, also mapped into IPv6', () => {
    expect(addressRateKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressRateKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts IPv6 clients per /64, however the address is written', () => {
    const key = addressRateKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(addressRateKey('2001:0DB8:0001:0002:ffff:ffff:ffff:fffe')).toBe(key);
    expect(addressRateKey('2001:db8:1:3::1')).not.toBe(key);
    expect(addressRateKey('::1')).toBe('0:0:0:0::/64');
    expect(addressRateKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressRateKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('leaves what is not an address as it is', () => {
    expect(addressRateKey('')).toBe('');
    expect(addressRateKey('1:2:3')).toBe('1:2:3');
  });
});
