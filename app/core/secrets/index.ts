export { MachineSecrets, type Keyring, type PasswordPlace, type PasswordsState, type SealedPassword } from './machine-secrets';
export { KEYRING_TIMEOUT_MS, SecretService, type SecretServiceOptions, type SecretServiceState } from './secret-service';
