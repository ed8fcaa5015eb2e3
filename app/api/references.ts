import { z } from 'zod';

/**
 * The syntax of everything that names something on the engine or the file system: container
 * references, image references and host paths. Checked by the contract, so no transport can hand
 * the engine a string that escapes its URL path (`../../x`) or the file system a path with `..`.
 * What a path may point at (system folders, other machines) is a policy checked elsewhere.
 */

/** A full container id: 64 lowercase hex digits. */
export const CONTAINER_ID = /^[0-9a-f]{64}$/;
/** A container name as Docker allows it (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`); a 12+ hex id prefix is one too. */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Docker caps names well below this; the bound keeps messages and URLs small. */
export const CONTAINER_REF_MAX = 128;

/** A container id (64 hex), an id prefix (12+ hex) or a container name; never a slash, never `..` alone. */
export function isContainerRef(value: string): boolean {
  return value.length <= CONTAINER_REF_MAX && (CONTAINER_ID.test(value) || CONTAINER_NAME.test(value));
}

export const containerRefSchema = z
  .string()
  .min(1, 'give a container id or name')
  .max(CONTAINER_REF_MAX, `a container id or name is at most ${CONTAINER_REF_MAX} characters`)
  .refine(
    isContainerRef,
    'a container is named by its id (hex digits) or its name (letters, digits, _ . -, starting with a letter or digit)',
  );

/*
 * Docker's image reference grammar (distribution/reference), written out:
 *   reference  := name [":" tag] ["@" digest]
 *   name       := [domain "/"] path-component ["/" path-component]*
 *   domain     := host [":" port]; host := domain-component ("." domain-component)* | "[" IPv6 "]"
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component   := [a-z0-9]+ (separator [a-z0-9]+)*; separator := [_.] | "__" | "-"+
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex{32,}; algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
 * The name is at most 255 characters.
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
const IMAGE_NAME_MAX = 255;
/** Name, tag and a sha512 digest fit well within this. */
export const IMAGE_REF_MAX = 512;

export function isImageRef(value: string): boolean {
  if (value.length > IMAGE_REF_MAX) return false;
  const match = IMAGE_REFERENCE.exec(value);
  return match !== null && match[1]!.length <= IMAGE_NAME_MAX;
}

/**
 * One image's name as engines differ in writing it: Docker says `dockurr/windows:6.05`, Podman `docker.io/dockurr/windows:6.05`
 * for a pulled image and `localhost/porthole/x:1` for a loaded one; `library/` is Docker Hub's default namespace and
 * `latest` the default tag. The canonical form drops those defaults, so two names of one image compare equal.
 */
export function canonicalImageName(ref: string): string {
  const trimmed = ref.trim();
  const at = trimmed.indexOf('@');
  const digest = at >= 0 ? trimmed.slice(at) : '';
  const nameAndTag = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = (hasTag ? nameAndTag.slice(0, colon) : nameAndTag)
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io|localhost)\//, '')
    .replace(/^library\//, '');
  const tag = hasTag ? nameAndTag.slice(colon + 1) : digest ? '' : 'latest';
  return `${name}${tag ? `:${tag}` : ''}${digest}`;
}

/** The repository alone (no registry default, tag or digest): `docker.io/dockurr/windows:4.0@sha256:…` -> `dockurr/windows`. */
export function imageRepository(ref: string): string {
  const canonical = canonicalImageName(ref).split('@')[0]!;
  const slash = canonical.lastIndexOf('/');
  const colon = canonical.lastIndexOf(':');
  return colon > slash ? canonical.slice(0, colon) : canonical;
}

export function sameImage(a: string, b: string): boolean {
  return canonicalImageName(a) === canonicalImageName(b);
}

export const imageRefSchema = z
  .string()
  .min(1, 'give an image, e.g. dockurr/windows:6.05')
  .max(IMAGE_REF_MAX, `an image reference is at most ${IMAGE_REF_MAX} characters`)
  .refine(
    isImageRef,
    'not an image reference Docker accepts (e.g. dockurr/windows:6.05 or registry.example:5000/team/windows:1)',
  );

// eslint-disable-next-line no-control-regex -- control characters (C0, DEL, C1) are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** PATH_MAX on Linux. */
export const HOST_PATH_MAX = 4096;

/** Why a path is not an absolute, normalized host path, or null when it is. Syntax only. */
export function hostPathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'must be an absolute path (starting with /)';
  // PATH_MAX counts bytes; a person counts nothing here: say what is wrong in their words.
  if (new TextEncoder().encode(path).length > HOST_PATH_MAX)
    return 'is too long to be a folder or file on Linux (a full path is at most 4096 bytes)';
  if (CONTROL.test(path)) return 'contains control characters';
  if (path.split('/').some((segment) => segment === '..' || segment === '.'))
    return 'must not contain . or .. segments';
  return null;
}

/**
 * An absolute host path without control characters or `.`/`..` segments. Doubled and trailing
 * slashes are folded away, so the backend only ever sees one spelling of a folder.
 */
export const hostPathSchema = z
  .string()
  .superRefine((path, ctx) => {
    const problem = hostPathProblem(path);
    if (problem) ctx.addIssue({ code: 'custom', message: `the path ${problem}` });
  })
  .transform((path) => path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'));
