using System.Security.Claims;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Security;
using Discovery.Dashboard.Security;
using Discovery.Dashboard.Services;
using Discovery.Grains.Security;
using Discovery.Testing.Cluster;
using Microsoft.AspNetCore.Components.Authorization;
using Xunit;

namespace Discovery.Dashboard.Tests.Security;

/// <summary>
/// The console's login and the calls it makes for a user, against an in-process cluster with security on: the
/// console's own connection is the administrator's, yet a tenant's calls carry the tenant's credential.
/// </summary>
public sealed class ConsoleLoginTests(SecureClusterFixture fixture) : IClassFixture<SecureClusterFixture>
{
    private static readonly ConsoleSecurity On = new(Enabled: true, SessionLifetime: TimeSpan.FromHours(1));
    private static readonly DateTime Now = DateTime.UtcNow;
    private readonly ConsoleSessions _sessions = new(TimeProvider.System);

    private ConsoleLogin Login => new(fixture.Admin, _sessions, On);

    // The page's view of the cluster for whoever holds this session.
    private ClusterView ViewFor(ConsoleSession session) =>
        new(fixture.Admin, new ConsoleUser(new Signed(ConsoleClaims.For(session.Principal, session.Id, "test")), _sessions, On));

    // A node (registered by the administrator), so that VEs have somewhere to go and sites have nodes to list.
    private async Task<string> NodeAsync()
    {
        var id = $"{SiteClusterFixture.Sites[0]}/console-{Guid.NewGuid():N}"[..24];
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(4, 4096)));
        return id;
    }

    [Fact]
    public async Task An_expired_token_is_refused_saying_it_expired()
    {
        var (tenant, _) = await fixture.NewTenantAsync("expired");
        var token = Tokens.Create(new Principal(tenant, Role.Tenant), Now.AddHours(-2), Now.AddHours(-1), SecureClusterFixture.SigningKey, "discovery");

        var result = await Login.LogInAsync(token);

        Assert.Null(result.Session);
        Assert.Contains("expired", result.Problem);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_saying_the_signature_does_not_match()
    {
        var forged = Tokens.Create(new Principal("mallory", Role.Admin), Now, Now.AddHours(1), "not-this-clusters-key-0123456789abcdef", "discovery");

        var result = await Login.LogInAsync(forged);

        Assert.Null(result.Session);
        Assert.Contains("signature", result.Problem);
    }

    [Fact]
    public async Task An_empty_credential_is_refused_before_the_cluster_is_asked()
    {
        var result = await Login.LogInAsync("   ");

        Assert.Equal((null, "Enter an API key (dsk_…) or a token."), (result.Session, result.Problem));
    }

    [Fact]
    public async Task A_valid_token_opens_a_session_for_its_tenant()
    {
        var (tenant, _) = await fixture.NewTenantAsync("valid");
        var token = await fixture.Admin.Identity.IssueTokenAsync(tenant, TimeSpan.FromMinutes(5));

        var result = await Login.LogInAsync(token);

        Assert.Equal(new Principal(tenant, Role.Tenant), result.Session?.Principal);
        Assert.Same(result.Session, _sessions.Find(result.Session!.Id));
    }

    [Fact]
    public async Task A_tenants_calls_carry_its_credential_so_it_lists_only_its_ves_and_the_silo_refuses_it_the_nodes()
    {
        await NodeAsync();
        var (tenant, key) = await fixture.NewTenantAsync("mine");
        var (other, otherKey) = await fixture.NewTenantAsync("theirs");
        await fixture.As(key).VirtualEnvironments.CreateAsync($"{tenant}/shop", new VeSpec([new VmTemplate("web", 1, 512)]));
        await fixture.As(otherKey).VirtualEnvironments.CreateAsync($"{other}/shop", new VeSpec([new VmTemplate("web", 1, 512)]));
        var view = ViewFor((await Login.LogInAsync(key)).Session!);

        Assert.Equal([$"{tenant}/shop"], (await view.VesAsync(0, 100, null)).Ves);
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => view.NodeIdsAsync(SiteClusterFixture.Sites[0]));
        Assert.Equal($"tenant:{tenant}", refused.Caller);
        await Assert.ThrowsAsync<ForbiddenException>(() => view.VeAsync($"{other}/shop"));
    }

    [Fact]
    public async Task An_administrators_calls_reach_the_nodes()
    {
        var node = await NodeAsync();
        var view = ViewFor((await Login.LogInAsync(SecureClusterFixture.AdminKey)).Session!);

        Assert.Contains(node, await view.NodeIdsAsync(SiteClusterFixture.Sites[0]));
    }

    [Fact]
    public async Task After_logout_a_page_makes_no_call_rather_than_fall_back_on_the_consoles_own_credential()
    {
        var (_, key) = await fixture.NewTenantAsync("gone");
        var session = (await Login.LogInAsync(key)).Session!;
        var view = ViewFor(session);

        _sessions.Close(session.Id);

        var e = await Assert.ThrowsAsync<UnauthenticatedException>(() => view.VesAsync(0, 10, null));
        Assert.Contains("log in again", e.Message);
    }

    private sealed class Signed(ClaimsIdentity identity) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
    }
}
