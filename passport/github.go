package passport

import (
	"context"
	"encoding/json"
	"net/http"

	"golang.org/x/oauth2"
)

// GitHub's endpoints, the defaults of NewGitHub.
const (
	GitHubAuthorizationURL = "https://github.com/login/oauth/authorize"
	GitHubTokenURL         = "https://github.com/login/oauth/access_token"
	GitHubUserProfileURL   = "https://api.github.com/user"
)

// NewGitHub returns the GitHub strategy (egg-passport-github): OAuth2 on
// GitHub's endpoints (Config's URLs override them, for GitHub Enterprise
// and tests), the profile from the user API: id, login, name, email,
// avatar_url. The default scope is none (public data).
func NewGitHub(cfg Config) (*OAuth2, error) {
	ep := oauth2.Endpoint{AuthURL: or(cfg.AuthorizationURL, GitHubAuthorizationURL), TokenURL: or(cfg.TokenURL, GitHubTokenURL)}
	userURL := or(cfg.UserProfileURL, GitHubUserProfileURL)
	return newOAuth2("passportGithub", cfg, ep, func(ctx context.Context, client *http.Client, _ *oauth2.Token) (*Profile, error) {
		var u struct {
			ID        json.Number `json:"id"`
			Login     string      `json:"login"`
			Name      string      `json:"name"`
			Email     string      `json:"email"`
			AvatarURL string      `json:"avatar_url"`
		}
		raw, err := getJSON(ctx, client, userURL, &u)
		if err != nil {
			return nil, err
		}
		if u.ID == "" {
			return nil, cerr(CodeProfileFailed, "the user API's answer has no id", nil)
		}
		return &Profile{Provider: "github", ID: u.ID.String(), Username: u.Login, DisplayName: u.Name,
			Email: u.Email, Photo: u.AvatarURL, Raw: raw}, nil
	})
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
