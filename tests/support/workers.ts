import { readdirSync, readFileSync } from 'node:fs';

/**
 * The functions emulator runs each function in its own Node worker process (firebase-tools'
 * functionsEmulatorRuntime, with FUNCTION_TARGET naming the function). Killing that process is
 * what a crashed Cloud Functions instance looks like: the request in flight gets no answer from
 * our code, nothing after the crash point runs, and the emulator starts a fresh worker for the
 * next request. Only workers of the emulator this test runs under are touched.
 */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

/** The `firebase emulators:exec` process that started this test run. */
function emulatorProcess(): number {
  for (let pid = process.pid; pid > 1; pid = parentOf(pid)) {
    if (cmdline(pid).includes('emulators:exec')) return pid;
  }
  throw new Error('This test must run under `firebase emulators:exec` (scripts/test-emulators.mjs).');
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = pid; p > 1; p = parentOf(p)) if (p === ancestor) return true;
  return false;
}

/** Pids of the emulator's live workers for one function (e.g. "api", "deliverCallback"). */
export function workersOf(target: string): number[] {
  const root = emulatorProcess();
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!cmdline(pid).includes('functionsEmulatorRuntime')) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(`FUNCTION_TARGET=${target}`) && descendsFrom(pid, root)) found.push(pid);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** SIGKILLs every worker of the function, as a crashed instance; returns how many died. */
export function killWorkers(target: string): number {
  const pids = workersOf(target);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids.length;
}
