/* @refresh reload */
import { render } from "solid-js/web";
import { Router } from "@solidjs/router";
import { Layout } from "./components/Layout.tsx";
import { routes } from "./routes.ts";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

render(() => <Router root={Layout}>{routes}</Router>, root);
