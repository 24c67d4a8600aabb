/**
 * Pieces the admin forms share (the whale threshold and price alerts): the
 * admin-token field and the status line that shows the server's answer, a
 * local validation error, or that writes are disabled.
 */
import { cx } from "./class_names.ts";

/** A message for the status line: what happened, and whether it went well. */
export type FormNotice =
  | { readonly kind: "ok" | "error"; readonly text: string }
  | null;

/** Props of {@linkcode TokenField}. */
export interface TokenFieldProps {
  readonly value: string;
  readonly disabled: boolean;
  readonly onInput: (value: string) => void;
}

/** The admin-token input: a password field that stays in this tab. */
export function TokenField(props: TokenFieldProps) {
  return (
    <label class="field">
      <span>Admin token</span>
      <input
        name="token"
        type="password"
        autoComplete="off"
        placeholder="kept in this tab only"
        value={props.value}
        disabled={props.disabled}
        onInput={(event) =>
          props.onInput((event.currentTarget as HTMLInputElement).value)}
      />
    </label>
  );
}

/** Props of {@linkcode FormStatus}. */
export interface FormStatusProps {
  /** Element id (inputs point at it with `aria-describedby`). */
  readonly id: string;
  /** `data-field`, for tests. */
  readonly field: string;
  /** False when the server has no admin token. */
  readonly writable: boolean;
  readonly notice: FormNotice;
  /** Why the typed value is not acceptable, if it is not. */
  readonly invalid?: string;
}

/** The form's status line, announced politely to screen readers. */
export function FormStatus(props: FormStatusProps) {
  const kind = props.notice?.kind ??
    (props.invalid !== undefined ? "error" : undefined);
  return (
    <p
      id={props.id}
      class={cx("form-message", kind)}
      role="status"
      data-field={props.field}
    >
      {props.writable
        ? props.notice?.text ?? props.invalid ?? ""
        : "Changes are disabled: the server has no ADMIN_TOKEN configured."}
    </p>
  );
}
