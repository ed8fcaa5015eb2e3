export {
  MachineSecrets,
  type Keyring,
  type PasswordPlace,
  type PasswordsState,
  type SealedPassword,
} from './machine-secrets';
export {
  KEYRING_TIMEOUT_MS,
  probeSecretService,
  SecretService,
  type ProbeOptions,
  type SecretServiceOptions,
  type SecretServiceState,
} from './secret-service';
