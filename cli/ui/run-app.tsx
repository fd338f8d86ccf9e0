// The mounted UI: subscribes to the store and maps keys to stop requests. `q` asks for a
// graceful stop; Ctrl-C arrives as a key in raw mode, so it is handed to `onInterrupt`
// (by default a real SIGINT to this process, the same path as Ctrl-C without the UI).
import { useInput, useStderr, useStdin, useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { RunView } from './components/RunView.js';
import type { RunStore } from './run-store.js';

export interface RunAppProps {
  store: RunStore;
  color: boolean;
  onStop: () => void;
  onInterrupt: () => void;
  /** Receives a writer that prints to stderr above the live part without corrupting it. */
  onStderrWriter?: (write: (data: string) => void) => void;
}

/** The terminal's size, following resizes; 80 columns and no row limit when unknown. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 0 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export function RunApp({ store, color, onStop, onInterrupt, onStderrWriter }: RunAppProps) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { write: writeStderr } = useStderr();
  useEffect(() => onStderrWriter?.(writeStderr), [onStderrWriter, writeStderr]);
  const { columns, rows } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const interactive = isRawModeSupported === true;
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return onInterrupt();
      // Keys typed while a training batch held the event loop arrive as one chunk, which Ink
      // passes on whole (e.g. "\u0003\u0003" for a quick double Ctrl-C): act on each of them.
      for (const ch of input) {
        if (ch === '\u0003') onInterrupt();
        else if (ch === 'q' || ch === 'Q') onStop();
      }
    },
    { isActive: interactive },
  );
  return (
    <RunView
      state={snapshot.state}
      nowMs={snapshot.nowMs}
      columns={columns}
      rows={rows}
      color={color}
      stopRequested={snapshot.stopRequested}
      interactive={interactive}
    />
  );
}
