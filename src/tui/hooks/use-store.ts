import { useCallback, useRef, useState } from 'react';
import { reduce, type Action, type UiState } from '../state.js';

export interface Store {
  state: UiState;
  /** Applies an action at once (later reads of `get()` see it) and re-renders. */
  dispatch(action: Action): void;
  /** The state after every action so far, even before React re-renders. */
  get(): UiState;
}

/**
 * The reducer, with the latest state readable synchronously: a burst of keys (`3.5` typed fast)
 * is handled key by key, each seeing the state the previous one left, before React renders again.
 */
export default function useStore(init: () => UiState, now: () => number): Store {
  const [state, setState] = useState(init);
  const ref = useRef(state);
  const dispatch = useCallback(
    (action: Action) => {
      ref.current = reduce(ref.current, { ...action, at: now() });
      setState(ref.current);
    },
    [now],
  );
  const get = useCallback(() => ref.current, []);
  return { state, dispatch, get };
}
