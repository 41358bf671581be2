import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Message } from '../ui';

export function SignIn({ onSignIn }: { onSignIn(key: string): Promise<void> }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Sign in · Klantcentraal';
  }, []);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignIn(key.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'This API key is not known to the platform.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <form class="card" onSubmit={submit}>
        <div class="brand large">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <span>Klantcentraal</span>
        </div>
        <h1>Sign in</h1>
        <p class="muted">Customer insight for sales, service and audit. Sign in with the API key your administrator gave you.</p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        {error ? <Message kind="error">{error}</Message> : null}
        <button type="submit" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
        <p class="muted small">The key is kept in this browser tab only (session storage) and sent to this server alone.</p>
      </form>
    </main>
  );
}
