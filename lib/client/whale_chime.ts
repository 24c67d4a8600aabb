/**
 * A short synthesized chime for alerts (WebAudio; no audio file to
 * download). Browsers only allow audio after a user gesture, and a trading
 * floor does not want surprise sounds: it stays silent until the user turns
 * it on, which is also the gesture that unlocks audio.
 *
 * A chime remembered as "on" from an earlier visit cannot play after a
 * reload until the user interacts with the page, so it is "locked" until
 * then — and says so, rather than claiming to be on while silent.
 */
import type { SeverityLevel } from "./severity.ts";

/** Notes per severity (Hz): more notes, louder news. */
const NOTES: Readonly<Record<SeverityLevel, readonly number[]>> = {
  notable: [880],
  level: [783.99, 1046.5],
  large: [660, 880],
  extreme: [523.25, 659.25, 783.99, 1046.5],
};

/** Off, on but waiting for a gesture to allow audio, or on. */
export type ChimeState = "off" | "locked" | "on";

/** The part of `AudioContext` the chime uses. */
export type AudioContextLike = Pick<
  AudioContext,
  | "state"
  | "resume"
  | "currentTime"
  | "createOscillator"
  | "createGain"
  | "destination"
  | "onstatechange"
>;

/** Plays chimes when enabled. */
export class WhaleChime {
  #context: AudioContextLike | undefined;
  #enabled = false;
  #createContext: () => AudioContextLike | undefined;
  #onState: (state: ChimeState) => void;

  /**
   * `createContext` defaults to the browser's AudioContext, if any;
   * `onState` hears every state change.
   */
  constructor(
    createContext: () => AudioContextLike | undefined = defaultContext,
    onState: (state: ChimeState) => void = () => {},
  ) {
    this.#createContext = createContext;
    this.#onState = onState;
  }

  /** The current state. */
  get state(): ChimeState {
    if (!this.#enabled) return "off";
    return this.#context?.state === "running" ? "on" : "locked";
  }

  /**
   * Turns chimes on or off. Call "on" from a user gesture (a click), so
   * audio may start; without one the chime stays locked until
   * {@linkcode unlock}.
   */
  setEnabled(enabled: boolean, fromGesture = true): void {
    this.#enabled = enabled;
    if (enabled && fromGesture) this.unlock();
    this.#onState(this.state);
  }

  /** Starts audio from a user gesture (any click or key on the page). */
  unlock(): void {
    if (!this.#enabled) return;
    if (!this.#context) {
      this.#context = this.#createContext();
      if (this.#context) {
        this.#context.onstatechange = () => this.#onState(this.state);
      }
    }
    this.#context?.resume().then(
      () => this.#onState(this.state),
      () => this.#onState(this.state),
    );
  }

  /** Plays the chime for `level` (no-op while off, locked or without audio). */
  play(level: SeverityLevel): void {
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

function defaultContext(): AudioContextLike | undefined {
  return typeof AudioContext === "undefined" ? undefined : new AudioContext();
}
