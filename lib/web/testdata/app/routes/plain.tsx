/** A page without islands: it must ship no JavaScript. */
export default function Plain() {
  return <p>plain</p>;
}
