/** `#/machines/<id>/<tab>[/<detail>]`: a machine's one home. */
export function machineRoute(id: string, tab?: string, detail?: string): string {
  return `/machines/${id}${tab ? `/${tab}` : ''}${detail ? `/${detail}` : ''}`;
}

/** The machine's name, for screen readers only: "Start" on every tile reads "Start Windows 11". */
export function NameForReaders({ name }: { name: string }) {
  return (
    <>
      {' '}
      <span className="visually-hidden">{name}</span>
    </>
  );
}
