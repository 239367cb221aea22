export { REPLIES } from "./replies";
export {
  SmtpListenError,
  type SmtpService,
  type SmtpServiceDependencies,
  type SmtpServiceOptions,
  startSmtpService,
} from "./service";
export { loadTlsMaterial, TlsFileError, type TlsMaterial, type TlsSource } from "./tls";
