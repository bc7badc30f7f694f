/** One input per form-field type, rendered from the campaign's form schema. */
import { For, Match, Show, Switch, type JSX } from "solid-js";
import { pick, tr } from "../i18n.ts";
import type { FormField, OrgUnit } from "../types.ts";
import { normalisePhone, phoneInputText } from "../phone.ts";
import { PhotoField } from "./PhotoField.tsx";

export type FieldValue = string | boolean | string[];

export interface FieldProps {
  field: FormField;
  value: FieldValue | undefined;
  error: string | undefined;
  /** a word from the form about this answer ("filled in with the number you signed in with") */
  note?: string | undefined;
  units: OrgUnit[];
  onChange: (value: FieldValue) => void;
  /** a photo of an `image` field is on its way up: the form waits for it */
  onBusy?: (busy: boolean) => void;
}

export const fieldId = (key: string) => `f-${key}`;
const helpId = (key: string) => `help-${key}`;
const errorId = (key: string) => `err-${key}`;
const noteId = (key: string) => `note-${key}`;

function describedBy(props: FieldProps): string | undefined {
  const ids = [
    props.field.help ? helpId(props.field.key) : "",
    props.note ? noteId(props.field.key) : "",
    props.error ? errorId(props.field.key) : "",
  ].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function LabelText(props: { field: FormField }): JSX.Element {
  return (
    <>
      {pick(props.field.label, props.field.labelEn)}
      <span class={props.field.required ? "required" : "optional"}>
        {props.field.required ? tr("form.requiredMark") : tr("form.optionalMark")}
      </span>
    </>
  );
}

function Help(props: FieldProps): JSX.Element {
  return (
    <Show when={props.field.help}>
      <p class="help" id={helpId(props.field.key)}>
        {pick(props.field.help ?? "", props.field.helpEn)}
      </p>
    </Show>
  );
}

function Note(props: FieldProps): JSX.Element {
  return (
    <Show when={props.note}>
      <p class="help field-note" id={noteId(props.field.key)} data-testid={`field-note-${props.field.key}`}>
        {props.note}
      </p>
    </Show>
  );
}

function ErrorText(props: FieldProps): JSX.Element {
  return (
    <Show when={props.error}>
      <p class="field-error" id={errorId(props.field.key)} data-testid={`field-error-${props.field.key}`}>
        {props.error}
      </p>
    </Show>
  );
}

function str(value: FieldValue | undefined): string {
  return typeof value === "string" ? value : "";
}

/** A place as a person names it: 长沙市, not 长沙市妇联 (the unit's name is its federation's). */
export function placeName(unit: OrgUnit): string {
  return pick(unit.name.replace(/妇联$/, ""), unit.nameEn.replace(/\s*Women's Federation$/i, ""));
}

/** Cities first, then each city's counties under it: the way people find their place. */
function UnitOptions(props: { units: OrgUnit[] }): JSX.Element {
  const sorted = () => {
    const cities = props.units.filter((u) => u.level === "city");
    const counties = (city: OrgUnit) => props.units.filter((u) => u.level === "county" && u.parent === city.id);
    return { cities, counties };
  };
  return (
    <>
      <optgroup label={tr("orgUnit.cities")}>
        <For each={sorted().cities}>{(u) => <option value={u.id}>{placeName(u)}</option>}</For>
      </optgroup>
      <For each={sorted().cities}>
        {(city) => (
          <Show when={sorted().counties(city).length > 0}>
            <optgroup label={tr("orgUnit.countiesOf", { city: placeName(city) })}>
              <For each={sorted().counties(city)}>{(u) => <option value={u.id}>{placeName(u)}</option>}</For>
            </optgroup>
          </Show>
        )}
      </For>
    </>
  );
}

/** How each one-line input differs; label, help, error and aria are the same for all. */
const lineInputs: Partial<Record<FormField["type"], JSX.InputHTMLAttributes<HTMLInputElement>>> = {
  text: { type: "text" },
  // No maxlength: it would cut a pasted "+86 139 1234 5678" to "+86 139 1234 " before we see it.
  phone: { type: "tel", inputmode: "tel", autocomplete: "tel" },
  number: { type: "text", inputmode: "numeric" },
  idNumber: { type: "text", autocomplete: "off", autocapitalize: "characters", maxLength: 18, class: "mono" },
  date: { type: "date" },
};

/** The label and help above a control. */
function Labelled(props: FieldProps & { children: JSX.Element }): JSX.Element {
  return (
    <>
      <label for={fieldId(props.field.key)}>
        <LabelText field={props.field} />
      </label>
      <Help {...props} />
      {props.children}
    </>
  );
}

export function Field(props: FieldProps): JSX.Element {
  const key = () => props.field.key;
  const common = () => ({
    id: fieldId(key()),
    name: key(),
    "data-testid": `field-${key()}`,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    "aria-describedby": describedBy(props),
    required: props.field.required,
  });

  return (
    <div class="field" classList={{ "has-error": !!props.error }} data-field={key()}>
      <Switch
        fallback={
          <Labelled {...props}>
            <input
              {...common()}
              {...(lineInputs[props.field.type] ?? lineInputs.text)}
              maxLength={props.field.type === "phone" ? undefined : (props.field.maxLength ?? lineInputs[props.field.type]?.maxLength)}
              value={str(props.value)}
              onInput={(e) => {
                const raw = e.currentTarget.value;
                if (props.field.type === "idNumber") return props.onChange(raw.toUpperCase());
                if (props.field.type !== "phone" || (e as InputEvent).isComposing) return props.onChange(raw);
                // A whole number pasted in any written form shows as its 11 digits at once.
                const value = phoneInputText(raw);
                if (value !== raw) e.currentTarget.value = value;
                props.onChange(value);
              }}
            />
            <Note {...props} />
          </Labelled>
        }
      >
        <Match when={props.field.type === "textarea"}>
          <Labelled {...props}>
            <textarea
              {...common()}
              rows={5}
              value={str(props.value)}
              maxLength={props.field.maxLength}
              onInput={(e) => props.onChange(e.currentTarget.value)}
            />
          </Labelled>
        </Match>
        <Match when={props.field.type === "orgUnit"}>
          <Labelled {...props}>
            <select {...common()} value={str(props.value)} onChange={(e) => props.onChange(e.currentTarget.value)}>
              <option value="">{tr("form.choose")}</option>
              <UnitOptions units={props.units} />
            </select>
          </Labelled>
        </Match>
        <Match when={props.field.type === "choice" || props.field.type === "multichoice"}>
          {/* aria-invalid is not for a fieldset (nor a group): each option carries it. */}
          <fieldset id={fieldId(key())} data-testid={`field-${key()}`} aria-describedby={describedBy(props)}>
            <legend>
              <LabelText field={props.field} />
            </legend>
            <Help {...props} />
            <div class="options">
              <For each={props.field.options ?? []}>
                {(option) => {
                  const multi = () => props.field.type === "multichoice";
                  const checked = () =>
                    multi() ? Array.isArray(props.value) && props.value.includes(option.value) : props.value === option.value;
                  return (
                    <label class="option" classList={{ checked: checked() }}>
                      <input
                        type={multi() ? "checkbox" : "radio"}
                        name={key()}
                        value={option.value}
                        checked={checked()}
                        aria-invalid={props.error ? "true" : undefined}
                        data-testid={`field-${key()}-${option.value}`}
                        onChange={(e) => {
                          if (!multi()) return props.onChange(option.value);
                          const current = Array.isArray(props.value) ? props.value : [];
                          props.onChange(
                            e.currentTarget.checked ? [...current, option.value] : current.filter((v) => v !== option.value),
                          );
                        }}
                      />
                      <span>{pick(option.label, option.labelEn)}</span>
                    </label>
                  );
                }}
              </For>
            </div>
          </fieldset>
        </Match>
        <Match when={props.field.type === "consent"}>
          <label class="option consent" classList={{ checked: props.value === true }}>
            <input
              {...common()}
              type="checkbox"
              checked={props.value === true}
              onChange={(e) => props.onChange(e.currentTarget.checked)}
            />
            <span>
              <LabelText field={props.field} />
            </span>
          </label>
          <Help {...props} />
        </Match>
        <Match when={props.field.type === "image"}>
          <PhotoField {...props} />
        </Match>
      </Switch>
      <ErrorText {...props} />
    </div>
  );
}

export type Answers = Record<string, string | number | boolean | string[]>;

/** What the form sends: trimmed strings, numbers as numbers, consent as a boolean; empty answers left out. */
export function toAnswers(fields: FormField[], values: Record<string, FieldValue>): Answers {
  const answers: Answers = {};
  for (const field of fields) {
    const value = values[field.key];
    switch (field.type) {
      case "image":
        // upload ids, those that finished uploading
        if (Array.isArray(value) && value.length) answers[field.key] = value;
        break;
      case "consent":
        if (value === true) answers[field.key] = true;
        else if (field.required) answers[field.key] = false;
        break;
      case "multichoice":
        if (Array.isArray(value) && value.length) answers[field.key] = value;
        break;
      case "number": {
        const text = str(value).trim();
        if (text) answers[field.key] = Number.isFinite(Number(text)) ? Number(text) : text;
        break;
      }
      case "phone": {
        // Its 11 digits; what cannot be read as a number goes as written, for validate to mark.
        const text = str(value).trim();
        if (text) answers[field.key] = normalisePhone(text) ?? text.replace(/[\s-]/g, "");
        break;
      }
      default: {
        const text = str(value).trim();
        if (text) answers[field.key] = text;
      }
    }
  }
  return answers;
}

/** A message that follows the language toggle (read inside JSX). */
export type Message = () => string;

/**
 * The checks a person can fix before sending, in the server's words (the FIELD_* codes of the
 * message table); the server checks again, the ID number's check digit included.
 */
export function validate(fields: FormField[], answers: Record<string, unknown>): Record<string, Message> {
  const errors: Record<string, Message> = {};
  for (const field of fields) {
    const value = answers[field.key];
    const fail = (message: Message) => (errors[field.key] = message);
    if (field.type === "image") {
      if (field.required && !(Array.isArray(value) && value.length)) fail(() => tr("FIELD_REQUIRED"));
      continue;
    }
    if (field.type === "consent") {
      if (field.required && value !== true) fail(() => tr("FIELD_CONSENT"));
      continue;
    }
    if (value === undefined) {
      if (field.required) {
        if (field.type === "orgUnit") fail(() => tr("FIELD_ORG_UNIT"));
        else if (field.type === "choice" || field.type === "multichoice") fail(() => tr("FIELD_CHOICE"));
        else fail(() => tr("FIELD_REQUIRED"));
      }
      continue;
    }
    if (field.type === "phone" && !/^1[3-9]\d{9}$/.test(String(value))) fail(() => tr("FIELD_PHONE"));
    else if (field.type === "idNumber" && !/^\d{17}[\dX]$/.test(String(value))) fail(() => tr("FIELD_ID_NUMBER"));
    else if (field.type === "number") {
      const { min, max } = field;
      if (typeof value !== "number") fail(() => tr("form.error.number"));
      else if (min !== undefined && value < min) fail(() => tr("form.error.min", { min }));
      else if (max !== undefined && value > max) fail(() => tr("form.error.max", { max }));
    } else if (typeof value === "string" && field.maxLength !== undefined && [...value].length > field.maxLength) {
      const max = field.maxLength;
      fail(() => tr("form.error.maxLength", { max }));
    }
  }
  return errors;
}
