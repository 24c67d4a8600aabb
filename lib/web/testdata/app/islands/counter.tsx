import type { Signal } from "@preact/signals";

interface CounterProps {
  count: Signal<number>;
  label: string;
  since: Date;
}

/** A fixture island: a shared signal, a string and a Date prop. */
export default function Counter({ count, label, since }: CounterProps) {
  return (
    <button
      type="button"
      data-since={since.toISOString()}
      onClick={() => count.value++}
    >
      {label}: {count}
    </button>
  );
}
