/**
 * A short synthesized chime for whale alerts (WebAudio; no audio file to
 * download). Browsers only allow audio after a user gesture, and a trading
 * floor does not want surprise sounds: it stays silent until the user turns
 * it on, which is also the gesture that unlocks the AudioContext.
 */
import type { Severity } from "./severity.ts";

/** Notes per severity (Hz): more notes, louder news. */
const NOTES: Readonly<Record<Severity["level"], readonly number[]>> = {
  large: [880],
  heavy: [660, 880],
  mega: [523.25, 659.25, 783.99, 1046.5],
};

/** Plays chimes when enabled. */
export class WhaleChime {
  #context: AudioContext | undefined;
  #enabled = false;
  #createContext: () => AudioContext | undefined;

  /** `createContext` defaults to the browser's AudioContext, if any. */
  constructor(createContext: () => AudioContext | undefined = defaultContext) {
    this.#createContext = createContext;
  }

  /** Whether chimes play. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Turns chimes on or off; call on from a click so audio may start. */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (enabled) {
      this.#context ??= this.#createContext();
      this.#context?.resume().catch(() => {});
    }
  }

  /** Plays the chime for `level` (no-op while muted or without audio). */
  play(level: Severity["level"]): void {
    const context = this.#context;
    if (!this.#enabled || !context || context.state !== "running") return;
    const start = context.currentTime + 0.02;
    NOTES[level].forEach((frequency, i) => {
      const at = start + i * 0.11;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.4);
    });
  }
}

function defaultContext(): AudioContext | undefined {
  return typeof AudioContext === "undefined" ? undefined : new AudioContext();
}
