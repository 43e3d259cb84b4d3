/* The browser half of components/html_block.py: a div showing HTML that the server
   made and escaped (the KPI tiles, the ranking table). React sets innerHTML again only
   when the string changes. React is Dash's own (loaded before the assets). */
(function () {
    "use strict";
    function HtmlBlock(props) {
        return window.React.createElement("div", {
            id: props.id,
            className: props.className,
            dangerouslySetInnerHTML: { __html: typeof props.markup === "string" ? props.markup : "" }
        });
    }
    window.govdash_components = Object.assign(window.govdash_components || {}, {
        HtmlBlock: HtmlBlock
    });
}());
