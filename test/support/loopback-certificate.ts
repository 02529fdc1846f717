// A self-signed certificate for loopback TLS servers in tests (SAN 127.0.0.1, ::1, localhost;
// valid 2000-01-01 to 2100-01-01 so a skewed test clock does not matter). A client trusts it
// by passing LOOPBACK_TLS.cert as its CA. Test-only: the private key is public.
// Made with: openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1, then
// openssl ca -selfsign -startdate 20000101000000Z -enddate 21000101000000Z.
export const LOOPBACK_TLS = {
  key: `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsEtSKZlVV7pUYf9T
eWZTORSg/9PQF1QqDQi3adbLBu+hRANCAATGwG6GJ9X6WUhXJDzOfEwOZ0qILYGW
QdoKXO1PFIpMW0KLTb73JFj6VCw8CJpvw1pBOVQ7+GhYKFbNit/5lRh7
-----END PRIVATE KEY-----
`,
  cert: `
-----BEGIN CERTIFICATE-----
MIIBkTCCATegAwIBAgIBATAKBggqhkjOPQQDAjAgMR4wHAYDVQQDDBVpcGNoZWNr
IGxvb3BiYWNrIHRlc3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBa
MCAxHjAcBgNVBAMMFWlwY2hlY2sgbG9vcGJhY2sgdGVzdDBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABMbAboYn1fpZSFckPM58TA5nSogtgZZB2gpc7U8UikxbQotN
vvckWPpULDwImm/DWkE5VDv4aFgoVs2K3/mVGHujYDBeMCwGA1UdEQQlMCOHBH8A
AAGHEAAAAAAAAAAAAAAAAAAAAAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8EBTADAQH/
MB0GA1UdDgQWBBQOSf5WATv18Y2i+1tslTVmfZmvsDAKBggqhkjOPQQDAgNIADBF
AiEA6mFzJJA43JdNdvAlTUTwV0BjFIN7/d7ZezW2bhs5D4MCIC4melDvXGhVD8Q2
ALB8L8Rhe5bKSDG89/+MwTzXxoBB
-----END CERTIFICATE-----
`,
} as const;
