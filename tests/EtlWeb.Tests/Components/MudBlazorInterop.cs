using Bunit;
using MudBlazor.Interop;

namespace EtlWeb.Tests.Components;

/// <summary>
/// The browser calls MudBlazor's popovers, dialogs, inputs and tabs make, answered as a page with one popover provider
/// would answer them, so that the tests can run bUnit's JavaScript interop in strict mode, where a call nobody set up
/// fails the test.
/// </summary>
internal static class MudBlazorInterop
{
    private static readonly string[] VoidCalls =
    [
        "mudPopover.initialize", "mudPopover.connect", "mudPopover.dispose",
        "mudKeyInterceptor.connect", "mudKeyInterceptor.disconnect",
        "mudElementRef.addOnBlurEvent", "mudElementRef.removeOnBlurEvent", "mudElementRef.saveFocus", "mudElementRef.restoreFocus",
        "mudInputSizing.init", "mudInputSizing.adjustHeight", "mudInputSizing.destroy",
        "mudScrollManager.lockScroll", "mudScrollManager.unlockScroll",
        "mudPointerEventsNone.cancelListener", "mudResizeObserver.cancelListener",

        // ElementReference.FocusAsync, which MudBlazor's inputs call.
        "Blazor._internal.domWrapper.focus",
    ];

    public static void SetupMudBlazor(this BunitJSInterop js)
    {
        foreach (var identifier in VoidCalls)
        {
            js.SetupVoid(identifier, _ => true).SetVoidResult();
        }

        js.Setup<int>("mudpopoverHelper.countProviders").SetResult(1);
        js.Setup<BoundingClientRect>("mudElementRef.getBoundingClientRect", _ => true).SetResult(new BoundingClientRect());
        js.Setup<BoundingClientRect[]>("mudResizeObserver.connect", _ => true).SetResult([]);
    }
}
