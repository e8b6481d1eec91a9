import { describe, expect, it } from 'vitest';
import { getDefaultEnvironment } from './default-environment.ts';

describe('getDefaultEnvironment', () => {
  const source = {
    HOME: '/home/ada',
    PATH: '/usr/bin',
    USER: 'ada',
    LOGNAME: 'ada',
    SHELL: '/bin/zsh',
    TERM: 'xterm',
    AWS_SECRET_ACCESS_KEY: 'secret',
    GITHUB_TOKEN: 'secret',
    USERPROFILE: 'C:\\Users\\ada',
    SYSTEMROOT: 'C:\\Windows',
  };

  it('keeps only the POSIX basics on POSIX platforms', () => {
    expect(getDefaultEnvironment(source, 'linux')).toEqual({
      HOME: '/home/ada',
      PATH: '/usr/bin',
      USER: 'ada',
      LOGNAME: 'ada',
      SHELL: '/bin/zsh',
      TERM: 'xterm',
    });
  });

  it('keeps the Windows basics on Windows', () => {
    expect(getDefaultEnvironment(source, 'win32')).toEqual({
      PATH: '/usr/bin',
      USERPROFILE: 'C:\\Users\\ada',
      SYSTEMROOT: 'C:\\Windows',
    });
  });

  it('drops exported shell functions and unset variables', () => {
    expect(
      getDefaultEnvironment({ HOME: '() { :; }; echo pwned', PATH: undefined, USER: 'ada' }, 'darwin'),
    ).toEqual({
      USER: 'ada',
    });
  });

  it('reads process.env by default', () => {
    const environment = getDefaultEnvironment();
    expect(environment.PATH).toBe(process.env.PATH);
    for (const value of Object.values(environment)) expect(typeof value).toBe('string');
  });
});
