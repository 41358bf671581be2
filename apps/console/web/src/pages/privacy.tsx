import { useRef, useState } from 'preact/hooks';
import { api, query } from '../api';
import { moment } from '../format';
import { ErrorMessage, Message, PageHeader } from '../ui';

type Erasure = { customerId: string; contactId: string | null; erasedAt: string; globalPosition: number };

export function PrivacyPage() {
  const [customerId, setCustomerId] = useState('');
  const [contactId, setContactId] = useState('');
  const [basis, setBasis] = useState('data-subject-request');
  const [result, setResult] = useState<Erasure | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const subject = contactId.trim() ? `contact ${contactId.trim()} of customer ${customerId.trim()}` : `customer ${customerId.trim()} and all its contacts`;

  const erase = async () => {
    dialog.current?.close();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<Erasure>('/v1/privacy/erasures', { method: 'POST', body: { customerId: customerId.trim(), ...(contactId.trim() && { contactId: contactId.trim() }), basis } }));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const download = async () => {
    setError(null);
    try {
      const data = await api<unknown>(`/v1/privacy/customers/${encodeURIComponent(customerId.trim())}/export${query({ contactId: contactId.trim() })}`);
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `export-${customerId.trim()}${contactId.trim() ? `-${contactId.trim()}` : ''}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err as Error);
    }
  };
  const valid = customerId.trim() !== '';
  return (
    <section>
      <PageHeader title="Privacy">
        <p class="muted">Erase a data subject's personal data (right to erasure) or download everything held about them (access and portability).</p>
      </PageHeader>
      <form class="card privacy-form" onSubmit={(e) => e.preventDefault()} aria-label="Data subject">
        <div class="filters inline top">
          <div class="field">
            <label for="p-customer">Customer ID</label>
            <input id="p-customer" type="text" required value={customerId} onInput={(e) => setCustomerId((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="p-contact">Contact ID</label>
            <input id="p-contact" type="text" aria-describedby="p-contact-hint" value={contactId} onInput={(e) => setContactId((e.target as HTMLInputElement).value)} />
            <span id="p-contact-hint" class="hint">optional: empty erases the whole customer</span>
          </div>
          <div class="field">
            <label for="p-basis">Legal basis</label>
            <select id="p-basis" value={basis} onChange={(e) => setBasis((e.target as HTMLSelectElement).value)}>
              <option value="data-subject-request">Data subject request</option>
              <option value="retention-expired">Retention expired</option>
              <option value="other">Other</option>
            </select>
          </div>
        </div>
        <div class="actions">
          <button type="button" class="danger" disabled={!valid || busy} onClick={() => dialog.current?.showModal()}>
            Erase
          </button>
          <button type="button" class="secondary" disabled={!valid} onClick={() => void download()}>
            Download export
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {result ? (
        <Message kind="success">
          Erased {result.contactId ? `contact ${result.contactId} of ` : ''}customer {result.customerId} at {moment(result.erasedAt)} (position {result.globalPosition}).{' '}
          <a href={`/customers/${encodeURIComponent(result.customerId)}?minPosition=${result.globalPosition}`}>Open the profile</a>
        </Message>
      ) : null}
      <dialog ref={dialog} aria-labelledby="erase-title" aria-describedby="erase-text">
        <h2 id="erase-title">Erase personal data?</h2>
        <p id="erase-text">
          This permanently erases the personal data of <strong>{subject}</strong>: names, e-mail addresses and free text. Events keep their ids, amounts and
          timestamps; the erased values cannot be restored.
        </p>
        <div class="actions">
          <button type="button" class="danger" onClick={() => void erase()}>
            Erase permanently
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}
