using Discovery.Abstractions.Security;
using Discovery.Grains.Security;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Security;

/// <summary>Credentials: API keys, tokens, and every way one can be wrong, each refused with a clear reason and audited.</summary>
[Collection(SecureClusterCollection.Name)]
public sealed class CredentialTests(SecureClusterFixture fixture)
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task A_call_without_a_credential_is_refused_and_audited()
    {
        var marker = $"nobody-{Guid.NewGuid():N}";
        var e = await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As(null).VirtualEnvironments.LocateAsync($"{marker}/ve"));
        Assert.Contains("no credential", e.Message);
        await AuditedAsync("anonymous", marker);
    }

    [Fact]
    public async Task A_made_up_api_key_is_refused()
    {
        var e = await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As($"dsk_0123456789abcdef_{new string('x', 43)}").Identity.WhoAmIAsync());
        Assert.Contains("unknown, revoked or expired", e.Message);
        await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As("letmein").Identity.WhoAmIAsync());
    }

    [Fact]
    public async Task An_api_key_with_a_wrong_secret_is_refused()
    {
        var (_, key) = await fixture.NewTenantAsync("secret");
        var tampered = key[..^4] + (key.EndsWith("AAAA") ? "BBBB" : "AAAA");
        await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As(tampered).Identity.WhoAmIAsync());
    }

    [Fact]
    public async Task A_revoked_key_stops_working_and_an_expired_one_never_works_again()
    {
        var (tenant, _) = await fixture.NewTenantAsync("revoked");
        var second = await fixture.Admin.Identity.IssueKeyAsync(tenant);
        Assert.Equal(new Principal(tenant, Role.Tenant), await fixture.As(second.Credential).Identity.WhoAmIAsync());
        await fixture.Admin.Identity.RevokeKeyAsync(second.KeyId);
        await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As(second.Credential).Identity.WhoAmIAsync());

        var shortLived = await fixture.Admin.Identity.IssueKeyAsync(tenant, validFor: TimeSpan.FromMilliseconds(200));
        await Eventually.HoldsAsync(async () =>
            await Record.ExceptionAsync(() => fixture.As(shortLived.Credential).Identity.WhoAmIAsync()) is UnauthenticatedException,
            "the short-lived key to expire");
    }

    [Fact]
    public async Task A_signed_token_speaks_for_its_tenant_until_it_expires()
    {
        var (tenant, _) = await fixture.NewTenantAsync("token");
        var token = await fixture.Admin.Identity.IssueTokenAsync(tenant, TimeSpan.FromMinutes(5));
        Assert.Equal(new Principal(tenant, Role.Tenant), await fixture.As(token).Identity.WhoAmIAsync());

        var expired = Tokens.Create(new Principal(tenant, Role.Tenant), Now.AddHours(-2), Now.AddHours(-1), SecureClusterFixture.SigningKey, "discovery");
        var e = await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As(expired).Identity.WhoAmIAsync());
        Assert.Contains("expired", e.Message);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_as_forged()
    {
        var forged = Tokens.Create(new Principal("mallory", Role.Admin), Now, Now.AddHours(1), "not-this-clusters-key-0123456789abcdef", "discovery");
        var e = await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As(forged).Identity.AuditAsync());
        Assert.Contains("signature", e.Message);

        var marker = $"forged-{Guid.NewGuid():N}";
        await Assert.ThrowsAsync<UnauthenticatedException>(() => fixture.As(forged).VirtualEnvironments.LocateAsync($"{marker}/ve"));
        await AuditedAsync("anonymous", marker);
    }

    [Fact]
    public async Task A_principal_a_client_claims_for_itself_is_ignored()
    {
        var (tenant, key) = await fixture.NewTenantAsync("claimer");
        var who = await SecureClusterFixture.CallAsAsync(key, () =>
        {
            RequestContext.Set(SecurityContext.PrincipalKey, new Principal("root", Role.Admin));
            return fixture.Client.GetGrain<IIdentityGrain>(0).WhoAmIAsync();
        });
        Assert.Equal(new Principal(tenant, Role.Tenant), who);
    }

    [Fact]
    public async Task An_administrator_key_issued_by_the_bootstrap_administrator_works()
    {
        var admin = await fixture.Admin.Identity.IssueKeyAsync($"ops-{Guid.NewGuid():N}"[..12], Role.Admin);
        Assert.True((await fixture.As(admin.Credential).Identity.WhoAmIAsync())!.IsAdmin);
        Assert.NotNull(await fixture.As(admin.Credential).Identity.AuditAsync(1));
    }

    private async Task AuditedAsync(string caller, string marker) =>
        await Eventually.HoldsAsync(async () =>
            (await fixture.Admin.Identity.AuditAsync(10_000)).Any(a => a.Caller == caller && a.Operation.Contains(marker)),
            $"an audit entry for {caller} about {marker}");
}
