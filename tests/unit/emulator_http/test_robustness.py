"""No input yields a 500: random paths, methods, headers and bodies against the in-process emulator."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.http.spec import load_specs

from .support import auth_headers, make_client

CLIENT = make_client()
HEADERS = auth_headers(CLIENT)
PATHS = sorted({op.path for op in load_specs().operations})

header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.one_of(
        st.sampled_from(PATHS), st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=30)
    ),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    query=st.dictionaries(
        st.sampled_from(["id", "customerId", "companyId", "code", "includeCompanies", "isActive"]),
        header_values,
        max_size=3,
    ),
    content_type=st.sampled_from(["application/json", "application/xml", "text/xml", "text/plain", ""]),
    accept=st.sampled_from(["", "application/json", "application/xml", "*/*", "text/html"]),
    storm_header=header_values,
    body=st.one_of(
        st.binary(max_size=200), st.just(b"[{}]"), st.just(b"<ArrayOfCustomer/>"), st.just(b"null")
    ),
)
def test_no_input_yields_a_server_error(path, method, query, content_type, accept, storm_header, body):
    url = path if path.startswith("/") else "/" + path
    headers = {
        **HEADERS,
        "Content-Type": content_type,
        "Accept": accept,
        "X-StormConnect-Header": storm_header,
    }
    response = CLIENT.request(method, url, params=query, content=body, headers=headers)
    assert response.status_code < 500 or response.status_code == 501, (method, url, response.text)
