// Disposable base with `_register`, so every service owns and releases exactly what it created.

export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Disposes in reverse order of registration; one failing disposable does not keep the others alive. */
export function disposeAll(disposables: IDisposable[]): void {
  const errors: unknown[] = [];
  for (const d of disposables.reverse()) {
    try {
      d.dispose();
    } catch (err) {
      errors.push(err);
    }
  }
  disposables.length = 0;
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
}

export class Disposable implements IDisposable {
  private readonly _disposables: IDisposable[] = [];
  private _isDisposed = false;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Takes ownership; registering after disposal disposes at once, so nothing leaks from late callbacks. */
  protected _register<T extends IDisposable>(disposable: T): T {
    if (this._isDisposed) disposable.dispose();
    else this._disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._disposables);
  }
}

/** A cleanup scope that can be emptied and reused (e.g. per supervisor connection). */
export class DisposableStore extends Disposable {
  private _items: IDisposable[] = [];

  add<T extends IDisposable>(disposable: T): T {
    if (this.isDisposed) disposable.dispose();
    else this._items.push(disposable);
    return disposable;
  }

  clear(): void {
    disposeAll(this._items);
    this._items = [];
  }

  override dispose(): void {
    this.clear();
    super.dispose();
  }
}
