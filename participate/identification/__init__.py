"""Strong identification over SAML 2.0 (Suomi.fi e-Identification) with pysaml2."""
