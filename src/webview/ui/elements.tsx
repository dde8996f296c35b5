// Thin wrappers over @vscode-elements: one place that knows their properties and events.

import { useEffect, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';
import VscodeBadge from '@vscode-elements/react-elements/dist/components/VscodeBadge.js';
import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import VscodeCheckbox from '@vscode-elements/react-elements/dist/components/VscodeCheckbox.js';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import VscodeTextarea from '@vscode-elements/react-elements/dist/components/VscodeTextarea.js';
import VscodeSingleSelect from '@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js';
import VscodeOption from '@vscode-elements/react-elements/dist/components/VscodeOption.js';
import type { VscodeButton as ButtonElement } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeCheckbox as CheckboxElement } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeTextfield as TextfieldElement } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { VscodeTextarea as TextareaElement } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { VscodeSingleSelect as SingleSelectElement } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';

/**
 * Sets element properties and listens to element events ourselves. @lit/react does the same in its
 * browser build, but its node build (what a bundler picks for node, as the jsdom tests are) does
 * neither; doing it here keeps the wrappers correct in both. Setting a property twice is a no-op.
 */
function useElement<E extends HTMLElement>(
  props: Record<string, unknown>,
  event?: { type: string; handler(el: E): void },
): RefObject<E | null> {
  const ref = useRef<E | null>(null);
  const handler = useRef(event?.handler);
  handler.current = event?.handler;
  useLayoutEffect(() => {
    const el = ref.current as unknown as Record<string, unknown> | null;
    if (!el) return;
    for (const [k, v] of Object.entries(props)) if (el[k] !== v) el[k] = v;
  });
  const type = event?.type;
  useEffect(() => {
    const el = ref.current;
    if (!el || !type) return;
    const listener = (): void => handler.current?.(el);
    el.addEventListener(type, listener);
    return () => el.removeEventListener(type, listener);
  }, [type]);
  return ref;
}

export function Button(props: {
  children: ReactNode;
  onClick(): void;
  secondary?: boolean;
  disabled?: boolean;
  title?: string;
  testId?: string;
}): ReactNode {
  const secondary = props.secondary ?? false;
  const disabled = props.disabled ?? false;
  const ref = useElement<ButtonElement>({ secondary, disabled });
  return (
    <VscodeButton
      ref={ref}
      secondary={secondary}
      disabled={disabled}
      title={props.title}
      data-testid={props.testId}
      onClick={() => {
        if (!disabled) props.onClick();
      }}
    >
      {props.children}
    </VscodeButton>
  );
}

export function Badge(props: { children: ReactNode; className?: string }): ReactNode {
  return <VscodeBadge className={props.className}>{props.children}</VscodeBadge>;
}

export function Checkbox(props: {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  testId?: string;
}): ReactNode {
  const ref = useElement<CheckboxElement>(
    { label: props.label, checked: props.checked },
    { type: 'change', handler: (el) => props.onChange(el.checked) },
  );
  return <VscodeCheckbox ref={ref} label={props.label} checked={props.checked} data-testid={props.testId} />;
}

export function TextField(props: {
  value: string;
  placeholder: string;
  onChange(value: string): void;
  ariaLabel: string;
  testId?: string;
  className?: string;
}): ReactNode {
  const ref = useElement<TextfieldElement>(
    { value: props.value, placeholder: props.placeholder },
    { type: 'input', handler: (el) => props.onChange(el.value) },
  );
  return (
    <VscodeTextfield
      ref={ref}
      value={props.value}
      placeholder={props.placeholder}
      aria-label={props.ariaLabel}
      data-testid={props.testId}
      className={props.className}
    />
  );
}

export function TextArea(props: {
  value: string;
  placeholder: string;
  onChange(value: string): void;
  ariaLabel: string;
  rows?: number;
  disabled?: boolean;
  testId?: string;
}): ReactNode {
  const rows = props.rows ?? 4;
  const disabled = props.disabled ?? false;
  const ref = useElement<TextareaElement>(
    { value: props.value, placeholder: props.placeholder, rows, disabled },
    { type: 'input', handler: (el) => props.onChange(el.value) },
  );
  return (
    <VscodeTextarea
      ref={ref}
      value={props.value}
      placeholder={props.placeholder}
      rows={rows}
      disabled={disabled}
      resize="vertical"
      aria-label={props.ariaLabel}
      data-testid={props.testId}
      className="textarea"
    />
  );
}

export function SingleSelect(props: {
  value: string;
  options: { value: string; label: string }[];
  onChange(value: string): void;
  ariaLabel: string;
  testId?: string;
}): ReactNode {
  const ref = useElement<SingleSelectElement>(
    { value: props.value },
    { type: 'change', handler: (el) => props.onChange(el.value) },
  );
  return (
    <VscodeSingleSelect ref={ref} value={props.value} aria-label={props.ariaLabel} data-testid={props.testId}>
      {props.options.map((o) => (
        <VscodeOption key={o.value} value={o.value} selected={o.value === props.value}>
          {o.label}
        </VscodeOption>
      ))}
    </VscodeSingleSelect>
  );
}
