"""Business partners: onboarding, branches, change requests, KYC and certifications."""
