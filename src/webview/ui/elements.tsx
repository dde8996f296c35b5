// Thin wrappers over @vscode-elements: one place that knows their events and props, easy to stub in tests.

import type { ReactNode } from 'react';
import VscodeBadge from '@vscode-elements/react-elements/dist/components/VscodeBadge.js';
import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import VscodeCheckbox from '@vscode-elements/react-elements/dist/components/VscodeCheckbox.js';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';

export function Button(props: {
  children: ReactNode;
  onClick(): void;
  secondary?: boolean;
  disabled?: boolean;
  title?: string;
  testId?: string;
}): ReactNode {
  return (
    <VscodeButton
      secondary={props.secondary ?? false}
      disabled={props.disabled ?? false}
      title={props.title}
      data-testid={props.testId}
      onClick={() => {
        if (!props.disabled) props.onClick();
      }}
    >
      {props.children}
    </VscodeButton>
  );
}

export function Badge(props: { children: ReactNode; variant?: 'default' | 'counter'; className?: string }): ReactNode {
  return (
    <VscodeBadge variant={props.variant ?? 'default'} className={props.className}>
      {props.children}
    </VscodeBadge>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChange(checked: boolean): void; testId?: string }): ReactNode {
  return (
    <VscodeCheckbox
      label={props.label}
      checked={props.checked}
      data-testid={props.testId}
      onChange={(e: Event) => props.onChange((e.currentTarget as HTMLInputElement | null)?.checked ?? !props.checked)}
    />
  );
}

export function TextField(props: {
  value: string;
  placeholder: string;
  onChange(value: string): void;
  ariaLabel: string;
  testId?: string;
  className?: string;
}): ReactNode {
  return (
    <VscodeTextfield
      value={props.value}
      placeholder={props.placeholder}
      aria-label={props.ariaLabel}
      data-testid={props.testId}
      className={props.className}
      onInput={(e: Event) => props.onChange((e.currentTarget as HTMLInputElement | null)?.value ?? '')}
    />
  );
}
