import { Text, useInput } from 'ink';
import { useRef } from 'react';

export interface TextInputProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit?: (value: string) => void;
  /** Show • for each character (passphrases). */
  readonly mask?: boolean;
  readonly focus?: boolean;
  readonly placeholder?: string;
  readonly maxLength?: number;
}

/**
 * A one-line text field: printable keys append, Backspace deletes, Enter submits. The value being
 * edited is kept in a ref as well as in the parent's state: keys that arrive faster than React
 * re-renders (fast typing, a paste) would otherwise be applied to a stale value and lost.
 */
export function TextInput({
  value,
  onChange,
  onSubmit,
  mask,
  focus = true,
  placeholder,
  maxLength = 256,
}: TextInputProps) {
  const current = useRef(value);
  const lastProp = useRef(value);
  if (value !== lastProp.current) {
    // the parent changed the value itself (cleared it, say): that wins
    current.current = value;
    lastProp.current = value;
  }
  const set = (next: string) => {
    current.current = next;
    lastProp.current = next;
    onChange(next);
  };
  useInput(
    (input, key) => {
      if (key.return) {
        onSubmit?.(current.current);
        return;
      }
      if (key.backspace || key.delete) {
        set(current.current.slice(0, -1));
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || !input) return;
      // a chunk can hold several keys (a paste, fast typing, text then Enter): take them in order
      let next = current.current;
      for (const c of input) {
        if (c === '\r' || c === '\n') {
          set(next.slice(0, maxLength));
          onSubmit?.(current.current);
          return; // what follows Enter in the same chunk was meant for the next field
        }
        if (c === '\u007f' || c === '\b') next = next.slice(0, -1);
        else if (c >= ' ') next += c;
      }
      if (next !== current.current) set(next.slice(0, maxLength));
    },
    { isActive: focus },
  );
  const shown = mask ? '•'.repeat(value.length) : value;
  return (
    <Text>
      {shown === '' && placeholder ? <Text dimColor>{placeholder}</Text> : shown}
      {focus ? <Text inverse> </Text> : null}
    </Text>
  );
}
