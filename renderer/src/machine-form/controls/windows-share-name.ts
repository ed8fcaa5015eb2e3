/** Where shared folder number `index` appears inside Windows (the image names them Data, Data2, Data3). */
export function windowsShareName(index: number): string {
  return `\\\\host.lan\\Data${index === 0 ? '' : index + 1}`;
}
