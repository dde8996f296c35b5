import { before, test } from 'node:test';
import { installDom } from './jsdomEnv';
import { act, useState } from 'react';
let TextField: typeof import('../../src/webview/ui/elements').TextField;
let createRoot: typeof import('react-dom/client').createRoot;
before(async () => { installDom(); ({ TextField } = await import('../../src/webview/ui/elements')); ({ createRoot } = await import('react-dom/client')); });
test('dbg', async () => {
  const root = document.createElement('div'); document.body.append(root);
  const seen: string[] = [];
  function C() { const [v, setV] = useState(''); return <div><TextField value={v} onChange={(x) => { seen.push(x); setV(x); }} placeholder="p" ariaLabel="a" testId="tf" /><span id="out">{v}</span></div>; }
  await act(async () => createRoot(root).render(<C />));
  await act(async () => new Promise((r) => setTimeout(r, 20)));
  const el = root.querySelector('[data-testid="tf"]') as HTMLInputElement;
  console.log('el', el?.tagName, !!el?.shadowRoot);
  console.log('props', el.placeholder, el.getAttribute('placeholder'), (el as unknown as {ariaLabel:string}).ariaLabel);
  el.addEventListener('input', (e) => console.log('direct', e.currentTarget === el, (e.currentTarget as HTMLInputElement).value));
  await act(async () => { el.value = 'hello'; el.dispatchEvent(new Event('input', { bubbles: true, composed: true })); });
  (window as unknown as {close(): void}).close();
  console.log('seen', seen, root.querySelector('#out')?.textContent);
});
