export { REPLIES } from "./replies";
export { type SmtpService, type SmtpServiceDependencies, type SmtpServiceOptions, startSmtpService } from "./service";
export { loadTlsMaterial, type TlsMaterial, type TlsSource } from "./tls";
