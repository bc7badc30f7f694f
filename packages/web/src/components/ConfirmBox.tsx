/**
 * "Are you sure?" in the page itself, not a browser dialog (WeChat's in-app browser shows those
 * with the site's address as the title, which frightens people). The yes button takes the focus
 * when it appears, so a screen-reader or keyboard user lands on the question.
 */
import { onMount, type JSX } from "solid-js";

export function ConfirmBox(props: {
  id: string;
  question: string;
  yes: string;
  /** the yes button's words while the change is on its way */
  pendingYes: string;
  no: string;
  pending: boolean;
  yesTestId: string;
  noTestId: string;
  onYes: () => void;
  onNo: () => void;
}): JSX.Element {
  let yesButton: HTMLButtonElement | undefined;
  onMount(() => yesButton?.focus());
  return (
    <div class="notice notice-warn confirm" role="alertdialog" aria-labelledby={`confirm-${props.id}`}>
      <p id={`confirm-${props.id}`}>
        <strong>{props.question}</strong>
      </p>
      <button ref={yesButton} type="button" class="button button-danger" data-testid={props.yesTestId} disabled={props.pending} onClick={() => props.onYes()}>
        {props.pending ? props.pendingYes : props.yes}
      </button>
      <button type="button" class="button button-secondary" data-testid={props.noTestId} onClick={() => props.onNo()}>
        {props.no}
      </button>
    </div>
  );
}
