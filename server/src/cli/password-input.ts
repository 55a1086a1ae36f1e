/**
 * The password for `user add`: WORKTRACE_PASSWORD, else the first line of stdin, never argv (every user of the
 * machine can read a process's arguments). A person typing at a terminal is prompted on stderr and nothing they
 * type is echoed.
 */
export async function readPassword(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WritableStream = process.stderr): Promise<string> {
  if (env.WORKTRACE_PASSWORD !== undefined) return env.WORKTRACE_PASSWORD;
  if (stdin.isTTY) return promptHidden(stdin, stderr);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk as Buffer));
    if (Buffer.concat(chunks).includes(0x0a)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Reads one line in raw mode so the terminal shows nothing; Backspace works, Ctrl-C and Ctrl-D give up. */
function promptHidden(stdin: NodeJS.ReadStream, stderr: NodeJS.WritableStream): Promise<string> {
  stderr.write('Password (not shown): ');
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done(null);
        if (char === '\u0003' || char === '\u0004') return done(new Error('no password given'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
