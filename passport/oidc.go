package passport

import (
	"context"
	"crypto/subtle"
	"encoding/json"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// oidcCheck verifies an OIDC token response.
type oidcCheck struct {
	verifier *oidc.IDTokenVerifier
}

// NewOIDC returns an OpenID Connect strategy on cfg.Issuer: the endpoints
// come from its discovery document (fetched now, with ctx), the ID token
// is verified (signature against the issuer's keys, issuer, audience
// cfg.Key, expiry) and its nonce must be the attempt's. The default scope
// is openid, email and profile. The profile is the token's claims: sub,
// email, email_verified, preferred_username, name, picture.
func NewOIDC(ctx context.Context, cfg Config) (*OAuth2, error) {
	if cfg.Issuer == "" {
		return nil, cerr(CodeBadConfig, "oidc: issuer is empty", nil)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = defaultClient()
		cfg.HTTPClient = client
	}
	prov, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		return nil, cerr(CodeBadConfig, "oidc: discovery of "+cfg.Issuer+" failed", err)
	}
	if len(cfg.Scope) == 0 {
		cfg.Scope = []string{oidc.ScopeOpenID, "email", "profile"}
	}
	ep := prov.Endpoint()
	if cfg.AuthorizationURL != "" {
		ep.AuthURL = cfg.AuthorizationURL
	}
	if cfg.TokenURL != "" {
		ep.TokenURL = cfg.TokenURL
	}
	o, err := newOAuth2("oidc", cfg, ep, nil)
	if err != nil {
		return nil, err
	}
	o.oidc = &oidcCheck{verifier: prov.Verifier(&oidc.Config{ClientID: cfg.Key})}
	return o, nil
}

func (c *oidcCheck) check(ctx context.Context, tok *oauth2.Token, nonce string) (*Profile, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, cerr(CodeIDTokenInvalid, "the token response carries no id_token", nil)
	}
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, cerr(CodeIDTokenInvalid, "the ID token does not verify", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, cerr(CodeIDTokenInvalid, "the ID token's nonce is not the attempt's", nil)
	}
	var claims struct {
		Email             string `json:"email"`
		EmailVerified     bool   `json:"email_verified"`
		PreferredUsername string `json:"preferred_username"`
		Name              string `json:"name"`
		Picture           string `json:"picture"`
	}
	var all json.RawMessage
	if err := idt.Claims(&all); err != nil {
		return nil, cerr(CodeIDTokenInvalid, "the ID token's claims", err)
	}
	if err := json.Unmarshal(all, &claims); err != nil {
		return nil, cerr(CodeIDTokenInvalid, "the ID token's claims", err)
	}
	return &Profile{ID: idt.Subject, Username: claims.PreferredUsername, DisplayName: claims.Name,
		Email: claims.Email, EmailVerified: claims.EmailVerified, Photo: claims.Picture, Raw: all}, nil
}
